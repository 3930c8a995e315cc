"""Checking uploads: type by content, metadata stripped, orientation, size caps, bombs, names."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import ExifTags, Image

from massline.services.attachments import Limits, check_files, sniff
from massline.services.errors import ValidationFailed
from tests.attachment_files import FAKE_JPEG, PDF, jpeg_with_gps, png


def test_gps_and_other_exif_are_stripped_and_orientation_applied() -> None:
    original = jpeg_with_gps((64, 48), orientation=6)
    assert Image.open(BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo has a location
    (checked,) = check_files([("IMG_0001.JPG", original)], Limits())
    image = Image.open(BytesIO(checked.content))
    assert image.format == "JPEG" and checked.media_type == "image/jpeg"
    assert not image.getexif() and not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert "exif" not in image.info and b"TestCamera" not in checked.content
    assert image.size == (48, 64) == (checked.width, checked.height)  # turned as the camera said (orientation 6)


def test_png_text_chunks_dropped_and_transparency_kept() -> None:
    (checked,) = check_files([("shot.png", png())], Limits())
    image = Image.open(BytesIO(checked.content))
    assert image.format == "PNG" and image.mode == "RGBA"
    assert "Comment" not in image.info and b"secret note" not in checked.content


def test_large_photo_scaled_to_the_longest_side() -> None:
    (checked,) = check_files([("big.jpg", jpeg_with_gps((900, 300)))], Limits(max_side=300))
    assert (checked.width, checked.height) == (300, 100)


def test_type_by_content_not_name() -> None:
    assert sniff(FAKE_JPEG[:16]) is None
    with pytest.raises(ValidationFailed) as caught:
        check_files([("photo.jpg", FAKE_JPEG)], Limits())
    assert "格式不受支持" in caught.value.errors["attachments"] and "photo.jpg" in caught.value.errors["attachments"]
    (pdf,) = check_files([("扫描件.jpg", PDF)], Limits())  # a PDF named .jpg is a PDF
    assert pdf.media_type == "application/pdf" and pdf.extension == ".pdf" and pdf.content == PDF


def test_heic_gets_its_own_advice() -> None:
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
    with pytest.raises(ValidationFailed, match="HEIC"):
        check_files([("IMG_1.HEIC", heic)], Limits())


def test_broken_image_refused() -> None:
    with pytest.raises(ValidationFailed, match="已损坏"):
        check_files([("half.jpg", jpeg_with_gps()[:60])], Limits())


def test_decompression_bomb_refused_before_decoding() -> None:
    out = BytesIO()
    Image.new("1", (6000, 6000)).save(out, "PNG")  # a few KB that decode to 36 million pixels
    assert len(out.getvalue()) < 100_000
    with pytest.raises(ValidationFailed, match="像素过多"):
        check_files([("bomb.png", out.getvalue())], Limits(max_pixels=10_000_000))


def test_limits_on_number_and_size() -> None:
    photo = jpeg_with_gps()
    with pytest.raises(ValidationFailed, match="最多 2 个"):
        check_files([("a.jpg", photo)] * 3, Limits(max_files=2))
    with pytest.raises(ValidationFailed, match="超过 1 MB"):
        check_files([("big.pdf", PDF + b"0" * (1024 * 1024))], Limits(max_file_bytes=1024 * 1024))
    with pytest.raises(ValidationFailed, match="合计不能超过 1 MB"):
        check_files([("a.pdf", PDF + b"0" * 600_000)] * 2, Limits(max_total_bytes=1024 * 1024))
    with pytest.raises(ValidationFailed, match="空文件"):
        check_files([("empty.jpg", b"")], Limits())


@pytest.mark.parametrize(("name", "shown"), [
    ("../../etc/passwd.pdf", "passwd.pdf"), ("C:\\Users\\张三\\照片.jpg", "照片.jpg"),
    ("a\x00b\u202e.pdf", "ab.pdf"), ("", "附件1"), ("...", "附件1"),
])  # fmt: skip
def test_uploaded_names_are_cleaned_for_showing(name: str, shown: str) -> None:
    (checked,) = check_files([(name, PDF)], Limits())
    assert checked.original_name == shown

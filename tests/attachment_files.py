"""Small files made in the tests: photos with location metadata, fake and broken files."""

from __future__ import annotations

from io import BytesIO

from PIL import ExifTags, Image

#: where the test photo says it was taken (the EXIF GPS block a re-encoding must drop)
GPS = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}


def jpeg_with_gps(size: tuple[int, int] = (64, 48), orientation: int | None = None) -> bytes:
    """A JPEG carrying EXIF: camera make, GPS location and (optionally) an orientation."""
    exif = Image.Exif()
    exif[0x010F] = "TestCamera"
    exif[ExifTags.IFD.GPSInfo] = GPS
    if orientation:
        exif[0x0112] = orientation
    out = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(size: tuple[int, int] = (40, 30), mode: str = "RGBA") -> bytes:
    """A PNG with a text chunk."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "secret note")
    out = BytesIO()
    Image.new(mode, size, (10, 200, 10, 128) if mode == "RGBA" else (10, 200, 10)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
#: an HTML page named like a photo
FAKE_JPEG = b"<html><script>alert(1)</script></html>"

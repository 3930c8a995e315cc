"""Checking one uploaded file: its type by content, and images re-encoded without metadata.

The type is read from the file's first bytes (magic numbers), never from its
name or the browser's content type. A photo (JPEG, PNG, WebP) is decoded by
Pillow and written again from its pixels alone: EXIF (GPS location, camera,
time), XMP, ICC and text chunks are dropped, the EXIF orientation is applied
first, the longer side is capped and images with too many pixels
(decompression bombs) are refused before they are decoded. A PDF is kept as
sent (it is only ever served as a download).
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import PureWindowsPath

from PIL import Image, ImageOps, UnidentifiedImageError

from massline.services.errors import ValidationFailed

FIELD = "attachments"
#: magic number -> (media type, Pillow format or None for a document, extension)
IMAGE_TYPES = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}
PDF = ("application/pdf", ".pdf")
NAME_MAX = 100
ACCEPTED = "JPEG、PNG、WebP 图片或 PDF 文件"


@dataclass(frozen=True)
class Limits:
    """How many files, how large, and how big a photo may be (settings ``attachment_*``)."""

    max_files: int = 5
    max_file_bytes: int = 10 * 1024 * 1024
    max_total_bytes: int = 20 * 1024 * 1024
    max_side: int = 2560
    max_pixels: int = 40_000_000


@dataclass(frozen=True)
class CheckedFile:
    """A file ready to store: its bytes (re-encoded for photos) and what the database row keeps."""

    content: bytes
    original_name: str
    media_type: str
    extension: str
    sha256: str
    width: int | None = None
    height: int | None = None


def _fail(name: str, problem: str) -> ValidationFailed:
    return ValidationFailed({FIELD: f"附件“{name}”{problem}"})


def sniff(head: bytes) -> str | None:
    """The file's kind by its first bytes: "JPEG", "PNG", "WEBP", "PDF", "HEIC" or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head.startswith(b"%PDF-"):
        return "PDF"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis", b"avif"):
        return "HEIC"
    return None


def clean_name(name: str, index: int) -> str:
    """The uploaded name as shown: no folders, no control characters, at most ``NAME_MAX`` characters."""
    base = PureWindowsPath(name or "").name  # drops both / and \ folders
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C")
    base = re.sub(r"\s+", " ", base).strip(" .")
    return base[-NAME_MAX:] or f"附件{index}"


def check_file(content: bytes, name: str, index: int, limits: Limits) -> CheckedFile:
    """Check one upload and return what to store; ValidationFailed (field ``attachments``) names the problem."""
    shown = clean_name(name, index)
    if not content:
        raise _fail(shown, "是空文件")
    if len(content) > limits.max_file_bytes:
        raise _fail(shown, f"超过 {limits.max_file_bytes // (1024 * 1024)} MB，请压缩后再上传")
    kind = sniff(content[:16])
    if kind == "HEIC":
        raise _fail(shown, "是 HEIC/HEIF 格式，暂不支持；请在手机相机设置中选择“最兼容”（JPEG）或转换为 JPEG 后上传")
    if kind is None:
        raise _fail(shown, f"的格式不受支持，只能上传{ACCEPTED}")
    if kind == "PDF":
        return CheckedFile(content, shown, PDF[0], PDF[1], hashlib.sha256(content).hexdigest())
    return _reencode(content, shown, kind, limits)


def _open(content: bytes, shown: str, kind: str, limits: Limits) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content), formats=[kind])
            if image.width * image.height > limits.max_pixels:
                raise _fail(shown, f"像素过多（{image.width}×{image.height}），无法处理")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _fail(shown, "像素过多，无法处理") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _fail(shown, "已损坏或不是有效的图片，无法读取") from exc
    return image


def _reencode(content: bytes, shown: str, kind: str, limits: Limits) -> CheckedFile:
    image = _open(content, shown, kind, limits)
    try:
        image = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError) as exc:
        raise _fail(shown, "已损坏或不是有效的图片，无法读取") from exc
    keep_alpha = kind != "JPEG" and (image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info)
    mode = "RGBA" if keep_alpha else "RGB"
    pixels = image.convert(mode)
    clean = Image.new(mode, pixels.size)  # a new image: no info, no EXIF, no ICC profile, no text chunks
    clean.paste(pixels)
    clean.thumbnail((limits.max_side, limits.max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if kind == "JPEG":
        clean.save(out, "JPEG", quality=85, optimize=True)
    elif kind == "PNG":
        clean.save(out, "PNG", optimize=True)
    else:
        clean.save(out, "WEBP", quality=85)
    data = out.getvalue()
    media_type, extension = IMAGE_TYPES[kind]
    return CheckedFile(data, shown, media_type, extension, hashlib.sha256(data).hexdigest(), clean.width, clean.height)


def check_files(uploads: list[tuple[str, bytes]], limits: Limits) -> list[CheckedFile]:
    """Check every upload (name, content) against the number and total limits and each file's own."""
    if len(uploads) > limits.max_files:
        raise ValidationFailed({FIELD: f"附件最多 {limits.max_files} 个，您选择了 {len(uploads)} 个"})
    total = sum(len(content) for _, content in uploads)
    if total > limits.max_total_bytes:
        raise ValidationFailed({FIELD: f"附件合计不能超过 {limits.max_total_bytes // (1024 * 1024)} MB"})
    return [check_file(content, name, i, limits) for i, (name, content) in enumerate(uploads, start=1)]

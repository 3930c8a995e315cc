"""The demo's photos, drawn at load (no image files in the repository): a citizen's snapshot of a
damaged road, sent with its camera's location (which the upload check removes, as for any photo)."""

from __future__ import annotations

import io

from PIL import ExifTags, Image, ImageDraw

#: the demo message's ``photo`` value -> what the citizen named the file
PHOTO_NAMES = {"pothole": "IMG_20261105_路面坑洼.jpg"}


def _pothole() -> Image.Image:
    image = Image.new("RGB", (800, 600), (176, 206, 230))  # sky
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 250, 800, 600), fill=(92, 92, 96))  # the road
    draw.polygon([(0, 250), (800, 250), (800, 270), (0, 270)], fill=(120, 150, 90))  # the verge
    for x in range(40, 800, 160):  # the centre line
        draw.polygon([(x, 420), (x + 80, 420), (x + 84, 430), (x + 4, 430)], fill=(235, 235, 225))
    for box, water in (((150, 330, 420, 410), (70, 80, 95)), ((470, 460, 760, 560), (60, 70, 88))):
        draw.ellipse(box, fill=(48, 44, 40))  # a pothole ...
        x0, y0, x1, y1 = box
        draw.ellipse((x0 + 20, y0 + 15, x1 - 20, y1 - 12), fill=water)  # ... with rain water in it
    return image


def demo_photo(kind: str) -> tuple[str, bytes]:
    """The demo photo ``kind`` as the citizen's phone sent it: (file name, JPEG with EXIF location)."""
    exif = Image.Exif()
    exif[0x010F] = "DemoPhone"
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (28.0, 12.0, 30.0), 3: "E", 4: (112.0, 58.0, 10.0)}
    out = io.BytesIO()
    {"pothole": _pothole}[kind]().save(out, "JPEG", quality=80, exif=exif)
    return PHOTO_NAMES[kind], out.getvalue()

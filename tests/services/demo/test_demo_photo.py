"""The demo shows attachments working: one message comes with a photo, reviewed and public, its location removed."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import ExifTags, Image
from sqlalchemy import select

from massline.models import Attachment
from massline.platform import Platform
from massline.services import attachments
from massline.services.demo import load_demo
from tests.web_helpers import Browser, serve


@pytest.mark.slow  # loads the whole demo
def test_demo_message_with_a_public_photo(platform: Platform) -> None:
    load_demo(platform)
    with platform.read() as s:
        (photo,) = s.scalars(select(Attachment))
        message_id, photo_id, state = photo.message_id, photo.id, photo.review_state
        assert photo.message.is_public and photo.original_name.endswith("路面坑洼.jpg")
        path = attachments.attachments_root(platform.settings) / photo.stored_name
    assert state == "shown" and path.is_file()
    assert not Image.open(path).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the phone's location is gone
    with serve(platform) as url, Browser(url) as citizen:
        page = citizen.get(f"/messages/{message_id}").text
        assert f"/messages/{message_id}/attachments/{photo_id}" in page
        served = citizen.get(f"/messages/{message_id}/attachments/{photo_id}")
        assert served.status_code == 200 and Image.open(BytesIO(served.content)).size == (800, 600)

"""The Atom feed (RFC 4287) of an office: its posts and clarifications, newest first."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from sqlalchemy.orm import Session

from massline.models import Office
from massline.services.errors import NotFound
from massline.services.publishing.clarifications import office_clarifications
from massline.services.publishing.posts import office_posts

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 30


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    element.text = text
    return element


def _entry(feed: ET.Element, url: str, title: str, summary: str, published: datetime, updated: datetime) -> None:
    entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
    _text(entry, "id", url)
    _text(entry, "title", title)
    ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": url})
    _text(entry, "published", published.isoformat())
    _text(entry, "updated", updated.isoformat())
    _text(entry, "summary", summary[:500])


def office_feed(session: Session, office_id: int, base_url: str, site: str) -> bytes:
    """The office's feed as UTF-8 XML; NotFound for an unknown office."""
    office = session.get(Office, office_id)
    if office is None:
        raise NotFound()
    items: list[tuple[datetime, str, str, str, datetime]] = [
        (p.published_at, f"{base_url}/posts/{p.id}", f"【{p.kind_label}】{p.title}", p.body, p.updated_at)
        for p in office_posts(session, office.id, FEED_SIZE)
    ]
    items += [
        (c.published_at, f"{base_url}/clarifications/{c.id}", f"【澄清】{c.title}", c.facts, c.published_at)
        for c in office_clarifications(session, office.id, FEED_SIZE)
    ]
    items.sort(key=lambda i: i[0], reverse=True)
    items = items[:FEED_SIZE]
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    page = f"{base_url}/offices/{office.id}"
    _text(feed, "id", page)
    _text(feed, "title", f"{office.name} · {site}")
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": page})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": f"{page}/feed.atom"})
    _text(feed, "updated", max((i[4] for i in items), default=datetime(2000, 1, 1, tzinfo=UTC)).isoformat())
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", office.name)
    for item in items:
        _entry(feed, item[1], item[2], item[3], item[0], item[4])
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)

"""Atom 1.0 (RFC 4287) documents, built with ElementTree so every text is escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # builds our own feed, never parses input  # nosec B405
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

ATOM_NS = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 does not allow at all (control characters other than tab, LF, CR).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ET.register_namespace("", ATOM_NS)  # write Atom as the default namespace, not "ns0:"


def _tag(name: str) -> str:
    return f"{{{ATOM_NS}}}{name}"


def rfc3339(moment: datetime) -> str:
    """A naive UTC timestamp (as stored) as RFC 3339, e.g. 2026-01-31T09:30:00Z."""
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    link: str
    updated: datetime
    published: datetime | None
    summary: str
    language: str | None = None
    categories: Sequence[tuple[str, str, str]] = field(default_factory=tuple)  # term, label, scheme


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    subtitle: str
    self_link: str
    alternate_link: str
    updated: datetime
    author: str
    entries: Sequence[Entry]
    language: str = "en"  # of the feed's own words (BCP 47)


def _add(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _tag(name), attrs)
    if text is not None:
        element.text = _NOT_XML.sub("", text)
    return element


def render_feed(feed: Feed) -> bytes:
    """The feed as UTF-8 XML with its declaration."""
    root = ET.Element(_tag("feed"), {_XML_LANG: feed.language})
    _add(root, "id", feed.id)
    _add(root, "title", feed.title)
    _add(root, "subtitle", feed.subtitle)
    _add(root, "updated", rfc3339(feed.updated))
    _add(root, "link", rel="self", type="application/atom+xml", href=feed.self_link)
    _add(root, "link", rel="alternate", type="text/html", href=feed.alternate_link)
    author = _add(root, "author")
    _add(author, "name", feed.author)
    _add(root, "generator", "Prevent-Hub")
    for item in feed.entries:
        entry = _add(root, "entry")
        # The measure's own text may be in any language; the rest is in the feed's.
        lang = {_XML_LANG: item.language} if item.language else {}
        _add(entry, "id", item.id)
        _add(entry, "title", item.title, type="text", **lang)
        _add(entry, "link", rel="alternate", type="text/html", href=item.link)
        if item.published is not None:
            _add(entry, "published", rfc3339(item.published))
        _add(entry, "updated", rfc3339(item.updated))
        _add(entry, "summary", item.summary, type="text", **lang)
        for term, label, scheme in item.categories:
            _add(entry, "category", term=term, label=label, scheme=scheme)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)

"""Find user-visible text in Jinja templates that is not marked for translation.

A simple scanner, not a parser: it removes what is translated or not text ({% trans %} blocks,
{{ expressions }}, {% tags %}, comments, scripts and styles), then reads what is left as HTML and
reports each text node and readable attribute that still holds words.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

# Words that are the same in every language: names, not sentences.
ALLOWED = {
    "Prevent-Hub",
    "Prevent-Hub:",
    "API",
    "JSON",
    "CSV",
    "PDF",
    "Atom",
    "RSS",
    "ORCID",
    "doi:",
}
READABLE_ATTRIBUTES = {"placeholder", "aria-label", "title", "alt", "data-label"}
_LETTERS = re.compile(r"[^\W\d_]{2,}")

_TAG_NAME = re.compile(r"(?<=<)\{\{.*?\}\}|(?<=</)\{\{.*?\}\}")
_REMOVED = [
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", re.S),
    re.compile(r"\{\{.*?\}\}", re.S),
    re.compile(r"\{%.*?%\}", re.S),
    re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I),
]


def _visible(text: str) -> bool:
    words = [w for w in text.split() if w not in ALLOWED]
    return any(_LETTERS.search(w) for w in words)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in READABLE_ATTRIBUTES and value and _visible(value):
                self.found.append(f'{name}="{value}"')

    def handle_data(self, data: str) -> None:
        if _visible(data):
            self.found.append(" ".join(data.split()))


def untranslated_text(source: str) -> list[str]:
    source = _TAG_NAME.sub("tag", source)  # <{{ heading }}>: an element still
    for pattern in _REMOVED:
        source = pattern.sub(" ", source)
    collector = _Collector()
    collector.feed(source)
    collector.close()
    return collector.found


def scan(directory: Path) -> dict[str, list[str]]:
    """{template path: its untranslated pieces} for every template under `directory`."""
    result = {}
    for path in sorted(directory.rglob("*.html")):
        found = untranslated_text(path.read_text(encoding="utf-8"))
        if found:
            result[str(path)] = found
    return result

"""Highlighted snippets for the shown hits only, from their short stored fields.

A word is marked when its folded form is a query word, or when its stem in the document's own
language equals the stem of a query word in that language, so "Präventionsprogramm" is marked
for the query "Präventionsprogramme". Text is HTML-escaped; only <mark> is added.
`render_marked` renders another highlighter's marked text (PostgreSQL's) the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from markupsafe import Markup, escape

from app.search.analysis import STEMMED_LANGUAGES, analyze, fold, word_spans


class QueryTerms:
    """The folded query words and their stems per language, for marking."""

    def __init__(self, words: Iterable[str]) -> None:
        self.folded = {fold(w) for w in words if w}
        self._stems: dict[str, set[str]] = {}

    def stems(self, lang: str) -> set[str]:
        if lang not in self._stems:
            self._stems[lang] = {s for w in self.folded for s in analyze(w, lang)}
        return self._stems[lang]

    def matches(self, word: str, lang: str | None) -> bool:
        folded = fold(word)
        if folded in self.folded:
            return True
        if lang in STEMMED_LANGUAGES:
            stems = _stem(word, lang)
            return bool(stems) and stems[0] in self.stems(lang)
        return False


@lru_cache(maxsize=65536)
def _stem(word: str, lang: str) -> tuple[str, ...]:
    return tuple(analyze(word, lang))


def highlight(
    text: str, terms: QueryTerms, lang: str | None, max_chars: int | None = None
) -> Markup | None:
    """`text` with matching words in <mark>, cut to a window around the first match.

    Returns None when nothing matches (the caller then shows the plain text).
    """
    spans = [(start, end) for start, end, word in word_spans(text) if terms.matches(word, lang)]
    return render(text, spans, max_chars)


# Markers a backend's own highlighter (PostgreSQL's ts_headline) puts around matches: private
# use characters, removed from the text before it is marked, so they cannot come from it.
MARK_START, MARK_END = "\ue000", "\ue001"


def render_marked(marked: str, max_chars: int | None = None) -> Markup | None:
    """Text with matches between MARK_START and MARK_END, rendered as highlight() does."""
    spans: list[tuple[int, int]] = []
    plain: list[str] = []
    length = 0
    for i, part in enumerate(marked.split(MARK_START)):
        inside, _end, after = part.partition(MARK_END) if i else ("", "", part)
        if inside:
            spans.append((length, length + len(inside)))
        plain.append(inside + after)
        length += len(inside) + len(after)
    return render("".join(plain), spans, max_chars)


def render(text: str, spans: list[tuple[int, int]], max_chars: int | None) -> Markup | None:
    """Escaped `text` with these spans in <mark>, cut to a window around the first one."""
    if not spans:
        return None
    start, end = 0, len(text)
    if max_chars and len(text) > max_chars:
        first = spans[0][0]
        start = max(0, first - max_chars // 4)
        # Begin at a word boundary so the snippet does not open mid-word.
        if start:
            space = text.rfind(" ", 0, start)
            start = space + 1 if space >= 0 else 0
        end = min(len(text), start + max_chars)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
    out = [Markup("… ") if start else Markup("")]
    pos = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(escape(text[pos:s]))
        out.append(Markup("<mark>") + escape(text[s:e]) + Markup("</mark>"))
        pos = e
    out.append(escape(text[pos:end]))
    if end < len(text):
        out.append(Markup(" …"))
    return Markup("").join(out)

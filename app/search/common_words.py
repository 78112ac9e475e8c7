"""Common words of the reader's language, which the speller never "corrects".

A word no published measure holds may still be a plain word of the reader's language: replacing
"choir" or "assisted" by the index's nearest words ("choices", "assigned") answers another
question. A misspelling is rarely a common word ("sextoring", "prevntion"), so the speller
leaves common words of English and of the reader's interface language alone; what no measure
holds then shows as such (app/search/off_topic.py). The lists hold each interface language's
words with a Zipf frequency of at least MIN_ZIPF in wordfreq's lists, folded as the index folds
them (scripts/build_common_words.py writes them).
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from flask import has_request_context

DATA_DIR = Path(__file__).parent / "data" / "common_words"
MIN_ZIPF = 3.5
ALWAYS = "en"  # the language the field's literature and most records are written in


@lru_cache(maxsize=16)
def common_words(lang: str) -> frozenset[str]:
    """The folded common words of `lang` (empty for a language without a list)."""
    path = DATA_DIR / f"{lang}.txt.gz"
    if not path.is_file():
        return frozenset()
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return frozenset(line.rstrip("\n") for line in lines)


def reader_languages() -> tuple[str, ...]:
    """English and, in a page's request, the reader's interface language."""
    if not has_request_context():
        return (ALWAYS,)
    from app.core.i18n import current_language

    return tuple(dict.fromkeys((ALWAYS, current_language())))


@lru_cache(maxsize=1)
def list_languages() -> tuple[str, ...]:
    """The languages with a list of common words."""
    return tuple(sorted(p.name.removesuffix(".txt.gz") for p in DATA_DIR.glob("*.txt.gz")))


def query_languages(token: str, others: Sequence[str]) -> tuple[str, ...]:
    """The languages whose common words hold the most of a query's other words (at least
    one): those the query is likely written in. English on a tie with others: many words are
    common in several languages ("people" in French, "hand" in six), the field's in English."""
    counts = {
        lang: sum(1 for t in others if t != token and t in common_words(lang))
        for lang in list_languages()
    }
    best = max(counts.values(), default=0)
    languages = tuple(lang for lang, n in counts.items() if n == best and n > 0)
    return (ALWAYS,) if ALWAYS in languages else languages


def is_common_word(token: str, others: Sequence[str] = ()) -> bool:
    """Whether a folded word is a common word of English, of the reader's language, or of the
    language the query's `others` words are most likely in ("routière" among French words)."""
    languages = dict.fromkeys((*reader_languages(), *query_languages(token, others)))
    return any(token in common_words(lang) for lang in languages)


def is_common_anywhere(token: str) -> bool:
    """Whether a folded word is a common word of any language with a list."""
    return any(token in common_words(lang) for lang in list_languages())

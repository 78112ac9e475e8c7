"""Detecting the language a record is written in, when the record does not say."""

from __future__ import annotations

from functools import lru_cache

# The EU's official languages plus a few neighbours; restricting the detector to these avoids
# confusing close languages that never occur here.
# fmt: off
CANDIDATES = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt",
    "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv", "no", "is", "uk", "tr", "sq", "sr",
)
# fmt: on


@lru_cache(maxsize=1)
def _restrict_candidates() -> None:
    from py3langid import langid

    langid.set_languages(list(CANDIDATES))


def detect_language(*texts: str | None) -> str | None:
    """ISO 639-1 code of the text, or None when there is too little text to tell."""
    text = " ".join(t for t in texts if t).strip()
    if len(text) < 20:
        return None
    from py3langid import langid

    _restrict_candidates()
    language, _score = langid.classify(text[:5000])
    return str(language)

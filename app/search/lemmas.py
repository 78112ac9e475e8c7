"""The inflected forms of the vocabulary's words, per language ("lasten" -> "lapsi").

Concept matching (app/search/concept_match.py) reads a word as its lemma on both sides, the
terms' words and the text's, so "seksuaalista väkivaltaa" matches the Finnish term
"seksuaalinen väkivalta" and Latvian, Croatian, Slovenian or Bulgarian forms match although no
stemmer here knows those languages. The forms come from simplemma's lemma dictionaries, kept to
the vocabulary's words by scripts/build_lemma_forms.py: simplemma itself is far too heavy to
load in the app (26 s and 1 GB for every language).
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

LEMMA_FILE = Path(__file__).parent / "data" / "lemma_forms.json.gz"

# Vocabulary language -> simplemma's name for it (Maltese: simplemma has no dictionary).
# fmt: off
LEMMA_LANGUAGES = {
    "bg": "bg", "cs": "cs", "da": "da", "de": "de", "el": "el", "en": "en", "es": "es",
    "et": "et", "fi": "fi", "fr": "fr", "ga": "ga", "hr": "hbs", "hu": "hu", "it": "it",
    "lt": "lt", "lv": "lv", "nl": "nl", "pl": "pl", "pt": "pt", "ro": "ro", "sk": "sk",
    "sl": "sl", "sv": "sv",
}  # Croatian is simplemma's Serbo-Croatian
# fmt: on


@lru_cache(maxsize=1)
def lemma_forms() -> dict[str, dict[str, str]]:
    """Language -> folded form -> folded lemma (forms that are their own lemma left out)."""
    raw = json.loads(gzip.decompress(LEMMA_FILE.read_bytes()))
    out = {}
    for lang, by_lemma in raw["languages"].items():
        # Plain dicts: a mapping proxy's look-ups are slower, and these run for every word.
        out[lang] = {form: lemma for lemma, forms in by_lemma.items() for form in forms}
    return out


def lemmatize(tokens: list[str] | tuple[str, ...], lang: str) -> tuple[str, ...]:
    """The folded tokens as their lemmas in `lang` (a token with no known lemma as itself)."""
    forms = lemma_forms().get(lang)
    if not forms:
        return tuple(tokens)
    get = forms.get
    return tuple([get(t, t) for t in tokens])

"""The field's multilingual concept vocabulary (app/search/data/concepts.json), loaded once.

Each concept (sextortion, school, randomised controlled trial, …) lists the words the field uses
for it in the 24 EU languages, and for some concepts the everyday phrasings people type instead
("someone threatens to share my nude pictures"). An indexer tags documents with the concepts they
mention and a query in one language can then match documents written in another. This module only
reads and indexes the data file; it knows nothing about any search backend.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from app.search.analysis import STEMMED_LANGUAGES, STOPWORDS_FILE, analyze, fold_text
from app.search.lemmas import LEMMA_FILE

DATA_FILE = Path(__file__).parent / "data" / "concepts.json"

GROUPS = (
    "abuse_form",
    "target_group",
    "setting",
    "delivery",
    "outcome",
    "study_design",
    "profession",
    "general",
)

# Concepts every measure of the field is about, whatever share of them names it: in a small
# collection "prevention" may be in a third of the measures, and still says nothing of a topic
# (app/search/off_topic.py), nor which everyday phrasing a query reads like (concept_match).
FIELD_CONCEPTS = frozenset(
    {
        "prevention",
        "primary_prevention",
        "intervention",
        "evaluation",
        "best_practice",
        "evidence_based",
    }
)

# Abuse itself, no form of it: beside a word naming nothing of the field, abuse of something
# else ("drug abuse", "abus d'alcool"), a word of the field's common ones, not its subject.
BARE_ABUSE = "abuse"

# What a concept every measure is about weighs in ranking, against another concept: it says
# nothing of which measure a query means ("prevention of sexual abuse in school" is about the
# school). Tuned with bench/search_quality.py (tuning half only: 0.25 and 0.1 gained on both
# batches and backends, 0.1 a little more).
FIELD_CONCEPT_SHARE = 0.1


def field_wide(concepts: Iterable[str]) -> bool:
    """Whether these concepts (some at least) are all ones every measure is about."""
    named = set(concepts)
    return bool(named) and named <= FIELD_CONCEPTS


def concept_weight(concept: str) -> float:
    """The share of its score a concept the query names adds to a document's."""
    return FIELD_CONCEPT_SHARE if concept in FIELD_CONCEPTS else 1.0


def part_weight(concepts: Iterable[str]) -> float:
    """What matching a part of the query that names these concepts counts for, against the
    other parts, in ranking documents that match more of them first: a part naming only what
    every measure is about counts as little as its concepts do."""
    return FIELD_CONCEPT_SHARE if field_wide(concepts) else 1.0


_SPACES_RE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def vocabulary_digest() -> str:
    """A short digest of the vocabulary, stop-word and word-form files, part of the index
    versions: an index tagged with another vocabulary is rebuilt, without anyone remembering to
    bump."""
    digest = hashlib.sha256()
    for path in (DATA_FILE, STOPWORDS_FILE, LEMMA_FILE):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def normalise(text: str) -> str:
    """The exact lookup key of a term: NFKC, lower-cased, single spaces; accents kept."""
    return _SPACES_RE.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def fold_key(text: str) -> str:
    """The accent-free lookup key, folded as the search index folds text ('Täter' -> 'tater')."""
    return _SPACES_RE.sub(" ", unicodedata.normalize("NFKC", fold_text(text))).strip()


@dataclass(frozen=True)
class Concept:
    id: str
    group: str
    terms: Mapping[str, tuple[str, ...]]  # language code -> the field's words, preferred first
    phrases: Mapping[str, tuple[str, ...]]  # language code -> everyday phrasings
    # language code -> terms matched only as written (folded, or as a lemma's form), never by
    # their stem, which a common word of another meaning shares ("university": "universal")
    unstemmed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # the concepts this one is a kind of ("primary_school" of "school"): a document about it
    # is about them too
    broader: tuple[str, ...] = ()

    def all_terms(self) -> tuple[str, ...]:
        """Every term in every language, without duplicates, in file order."""
        return tuple(dict.fromkeys(t for terms in self.terms.values() for t in terms))


@dataclass(frozen=True)
class Vocabulary:
    version: int
    languages: tuple[str, ...]
    concepts: tuple[Concept, ...]
    by_id: Mapping[str, Concept]
    # language -> normalised term (and, separately, its folded form) -> concept ids
    term_index: Mapping[str, Mapping[str, tuple[str, ...]]]
    folded_index: Mapping[str, Mapping[str, tuple[str, ...]]]
    phrase_index: Mapping[str, Mapping[str, tuple[str, ...]]]  # language -> folded phrase -> ids

    def concepts_for_term(
        self, term: str, language: str, *, folded: bool = False
    ) -> tuple[str, ...]:
        """Concept ids that `term` names in `language`; `folded` ignores accents too."""
        if folded:
            return self.folded_index.get(language, {}).get(fold_key(term), ())
        return self.term_index.get(language, {}).get(normalise(term), ())

    def concepts_for_phrase(self, phrase: str, language: str) -> tuple[str, ...]:
        """Concept ids whose everyday phrasing in `language` is `phrase` (accents ignored)."""
        return self.phrase_index.get(language, {}).get(fold_key(phrase), ())

    def terms_of(self, concept_id: str) -> tuple[str, ...]:
        """All terms of a concept, every language."""
        return self.by_id[concept_id].all_terms()

    def narrower(self, concept_id: str) -> tuple[str, ...]:
        """The concepts that are kinds of this one, at any depth ("school": "primary_school",
        "secondary_school", "boarding_school"), in file order."""
        found: list[str] = []
        todo = [concept_id]
        while todo:
            parent = todo.pop()
            for c in self.concepts:
                if parent in c.broader and c.id not in found and c.id != concept_id:
                    found.append(c.id)
                    todo.append(c.id)
        return tuple(c.id for c in self.concepts if c.id in found)


def _freeze(index: dict[str, dict[str, list[str]]]) -> Mapping[str, Mapping[str, tuple[str, ...]]]:
    return MappingProxyType(
        {
            language: MappingProxyType({key: tuple(ids) for key, ids in keys.items()})
            for language, keys in index.items()
        }
    )


def _add(index: dict[str, dict[str, list[str]]], language: str, key: str, concept_id: str) -> None:
    ids = index.setdefault(language, {}).setdefault(key, [])
    if concept_id not in ids:
        ids.append(concept_id)


def parse_vocabulary(raw: Mapping) -> Vocabulary:
    """Build the lookups from the decoded JSON (kept separate so tests can feed their own)."""
    concepts: list[Concept] = []
    term_index: dict[str, dict[str, list[str]]] = {}
    folded_index: dict[str, dict[str, list[str]]] = {}
    phrase_index: dict[str, dict[str, list[str]]] = {}
    for item in raw["concepts"]:
        terms = {lang: tuple(words) for lang, words in item["terms"].items()}
        phrases = {lang: tuple(words) for lang, words in item.get("phrases", {}).items()}
        unstemmed = {lang: tuple(words) for lang, words in item.get("unstemmed", {}).items()}
        concept = Concept(
            item["id"],
            item["group"],
            MappingProxyType(terms),
            MappingProxyType(phrases),
            MappingProxyType(unstemmed),
            tuple(item.get("broader", ())),
        )
        concepts.append(concept)
        for language, words in terms.items():
            for word in words:
                _add(term_index, language, normalise(word), concept.id)
                _add(folded_index, language, fold_key(word), concept.id)
        for language, words in phrases.items():
            for phrase in words:
                _add(phrase_index, language, fold_key(phrase), concept.id)
    return Vocabulary(
        version=raw["version"],
        languages=tuple(raw["languages"]),
        concepts=tuple(concepts),
        by_id=MappingProxyType({c.id: c for c in concepts}),
        term_index=_freeze(term_index),
        folded_index=_freeze(folded_index),
        phrase_index=_freeze(phrase_index),
    )


# Countries ("place" concepts, not in the data file: their names come from CLDR): the EU, the
# EEA, Switzerland and the United Kingdom, and the countries outside Europe whose programmes
# the field most often cites. With the country's national language where that language is
# the country's alone, since most languages name a country's people or things by it
# ("griego", "bułgarski", "Polish").
PLACE_GROUP = "place"
MIN_LANGUAGE_NAME = 5
NATIONAL_LANGUAGES = {
    "AT": None, "BE": None, "BG": "bg", "CH": None, "CY": None, "CZ": "cs", "DE": "de",
    "DK": "da", "EE": "et", "ES": "es", "FI": "fi", "FR": "fr", "GB": None, "GR": "el",
    "HR": "hr", "HU": "hu", "IE": "ga", "IS": "is", "IT": "it", "LI": None, "LT": "lt",
    "LU": "lb", "LV": "lv", "MT": "mt", "NL": "nl", "NO": "no", "PL": "pl", "PT": "pt",
    "RO": "ro", "SE": "sv", "SI": "sl", "SK": "sk", "US": None, "CA": None, "AU": None,
    "NZ": None, "UA": None,
}  # fmt: skip
# Languages a measure is offered in besides the national ones above ("language" concepts, also
# named by CLDR): those most spoken by people who came to the EU, and its regional languages.
# A measure is tagged with those its record lists, so "materials in Arabic", "arabų kalba" or
# "auf Ukrainisch" find it. (Ukrainian names the language here, not Ukraine's own measures.)
LANGUAGE_GROUP = "language"
OFFERED_LANGUAGES = (
    "ar", "fa", "ps", "ku", "ckb", "tr", "so", "ti", "am", "uk", "ru", "sq", "sr", "bs", "ur",
    "hi", "pa", "bn", "zh", "vi", "rom", "ca", "eu", "gl", "cy",
)  # fmt: skip


def place_id(country: str) -> str:
    return f"country_{country.lower()}"


def language_id(language: str) -> str:
    return f"language_{language.lower()}"


def _names(names: list[str | None]) -> list[str]:
    """The names CLDR gives, without an article ("an Ostair" in Irish, "l-Awstrija" in
    Maltese) and once each."""
    names = [re.sub(r"^(an|na|il|l|is|ir)[- ]", "", n, flags=re.I) for n in names if n]
    return list(dict.fromkeys(names))


def place_concepts(languages: tuple[str, ...]) -> list[dict]:
    """A concept per country of NATIONAL_LANGUAGES: its name (and its national language's
    name) in each of `languages`, as CLDR writes them; English first."""
    from babel import Locale

    out = []
    for country, national in NATIONAL_LANGUAGES.items():
        terms: dict[str, list[str]] = {}
        for lang in ("en", *(code for code in languages if code != "en")):
            cldr = Locale.parse(lang)
            names = [cldr.territories.get(country)]
            language = cldr.languages.get(national) if national else None
            # Short language names are words of other languages too (Dutch "Lets", "Fins").
            if language and len(language) >= MIN_LANGUAGE_NAME:
                names.append(language)
            if names := _names(names):
                terms[lang] = names
        out.append({"id": place_id(country), "group": PLACE_GROUP, "terms": terms})
    return out


def language_concepts(languages: tuple[str, ...], places: list[dict]) -> list[dict]:
    """A concept per language of OFFERED_LANGUAGES: its name in each of `languages`, as CLDR
    writes it, unless that name is short enough to be another word (MIN_LANGUAGE_NAME) or is
    also a country's name there (Finnish "ukraina"), which is the likelier reading. A name whose
    stem is shorter than MIN_NAME_STEM is matched as written (`unstemmed`): Lithuanian "persų"
    (Persian) and English "person" both stem to "pers" in Lithuanian."""
    from babel import Locale

    countries = {
        (lang, name.lower()) for p in places for lang, names in p["terms"].items() for name in names
    }
    out = []
    for offered in OFFERED_LANGUAGES:
        terms: dict[str, list[str]] = {}
        unstemmed: dict[str, list[str]] = {}
        for lang in ("en", *(code for code in languages if code != "en")):
            name = Locale.parse(lang).languages.get(offered)
            if (
                name
                and len(name) >= MIN_LANGUAGE_NAME
                and (lang, name.lower()) not in countries
                and (names := _names([name]))
            ):
                terms[lang] = names
                if short := [n for n in names if _short_stem(n, lang)]:
                    unstemmed[lang] = short
        out.append(
            {
                "id": language_id(offered),
                "group": LANGUAGE_GROUP,
                "terms": terms,
                "unstemmed": unstemmed,
            }
        )
    return out


# A name's stem shorter than this is the stem of other languages' words too ("pers": Persian,
# "person"; "kana": Canada, "Kanal"): concept_match._name_holds for countries.
MIN_NAME_STEM = 5


def _short_stem(name: str, lang: str) -> bool:
    return lang in STEMMED_LANGUAGES and len("".join(analyze(name, lang))) < MIN_NAME_STEM


@lru_cache(maxsize=1)
def load_concepts() -> Vocabulary:
    """The vocabulary from the data file, the countries and the languages offered, read once
    per process."""
    with DATA_FILE.open(encoding="utf-8") as handle:
        raw = json.load(handle)
    languages = tuple(raw["languages"])
    places = place_concepts(languages)
    raw["concepts"] = raw["concepts"] + places + language_concepts(languages, places)
    return parse_vocabulary(raw)


@lru_cache(maxsize=1024)
def narrower(concept_id: str) -> tuple[str, ...]:
    """The vocabulary's concepts that are kinds of this one (Vocabulary.narrower), cached."""
    return load_concepts().narrower(concept_id)

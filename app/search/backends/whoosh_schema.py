"""The Whoosh schema, and how a search document becomes its fields.

Compact by design (TOOLING.md): the text is indexed once in accent-folded neutral fields and
once more in the stemmed field of the document's own language only; phrases are answered from
a field of consecutive word pairs, so no field stores positions. Title and summary are boosted
(their term frequencies are multiplied at index time). A small stored `meta`
record (title and summary as written, evidence, countries) renders a result list without a
database query. Facets are untokenised keywords; sort keys are columns.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from whoosh import columns
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.formats import Frequency
from whoosh.system import pack_uint

from app.search.analysis import (
    STEMMED_LANGUAGES,
    PairsAnalyzer,
    language_analyzer,
    neutral_analyzer,
)
from app.search.concepts import vocabulary_digest
from app.search.documents import FACET_KEYS, facet_values

# Neutral text fields and their boosts (applied to term frequencies at index time).
NEUTRAL_FIELDS = {"title": 4.0, "summary": 2.0, "body": 1.0, "reports": 0.7}
# Neutral fields consulted for spelling suggestions (reports are long and noisy).
SPELLING_FIELDS = ("title", "summary", "body")
# Sort keys and filters, one number per document.
COLUMN_TYPES = {
    "n_evidence": columns.NumericColumn("b", default=0),
    "n_harm": columns.NumericColumn("b", default=0),
    "n_rating": columns.NumericColumn("i", default=0),  # rating × 1000
    "n_published": columns.NumericColumn("q", default=0),  # epoch seconds
    "n_year": columns.NumericColumn("h", default=0),  # 0 = unknown
}
# Bump when the schema or the analysis changes: an index of another version is rebuilt. The
# vocabulary's digest makes any change of concepts.json, stopwords.json or lemma_forms.json.gz
# do the same.
SCHEMA_BASE = "15"  # 4: profile and evaluation facets, evidence verdicts; 5: concepts;
# 6: countries as concepts; 7: lead concepts; 8: Estonian, Lithuanian, Greek and Irish stems;
# 9: Estonian -tus nouns; 10: concepts as many times as named; 11: concepts matched as lemmas too;
# 12: title concepts twice in the lead concept field; 13: elided articles split off;
# 14: languages offered as concepts; 15: acronyms that are common words only in capitals
SCHEMA_VERSION = f"{SCHEMA_BASE}-{vocabulary_digest()}"
PAIRS_FIELD = "pairs"
# The ids of the vocabulary concepts a document mentions (app/search/concept_match.py).
CONCEPT_FIELD = "concepts"
# Those its title and summaries name.
LEAD_CONCEPT_FIELD = "lead_concepts"
# PDF text can be very long; past this much the rest adds index size, not findability.
MAX_REPORT_CHARS = 200_000


def stem_field(lang: str) -> str:
    return f"text_{lang}"


STEM_FIELDS = tuple(stem_field(lang) for lang in STEMMED_LANGUAGES)


def facet_field(key: str) -> str:
    return f"f_{key}"


class FastFrequency(Frequency):
    """Frequency postings counted from a plain word list with collections.Counter.

    Whoosh builds postings from a generator of Token objects; for measure-sized texts that
    bookkeeping cost as much as the analysis itself. Same bytes on disk as Frequency.
    """

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[tuple]:
        if not hasattr(analyzer, "words"):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for word, freq in Counter(analyzer.words(value)).items():
            yield (word, freq, freq * boost, pack_uint(freq))


def build_schema() -> Schema:
    neutral = neutral_analyzer()
    fields: dict[str, Any] = {
        "id": ID(unique=True, stored=True),
        "meta": STORED(),
    }
    for name, boost in NEUTRAL_FIELDS.items():
        fields[name] = TEXT(analyzer=neutral, phrase=False)
        fields[name].format = FastFrequency(field_boost=boost)
    fields[PAIRS_FIELD] = TEXT(analyzer=PairsAnalyzer(), phrase=False)
    fields[PAIRS_FIELD].format = FastFrequency(field_boost=1.0)
    fields[CONCEPT_FIELD] = TEXT(analyzer=neutral, phrase=False)
    fields[CONCEPT_FIELD].format = FastFrequency(field_boost=1.0)
    fields[LEAD_CONCEPT_FIELD] = TEXT(analyzer=neutral, phrase=False)
    fields[LEAD_CONCEPT_FIELD].format = FastFrequency(field_boost=1.0)
    for lang in STEMMED_LANGUAGES:
        fields[stem_field(lang)] = TEXT(analyzer=language_analyzer(lang), phrase=False)
        fields[stem_field(lang)].format = FastFrequency(field_boost=1.0)
    for key in FACET_KEYS:
        fields[facet_field(key)] = KEYWORD(lowercase=False, commas=False, scorable=False)
    for name, column in COLUMN_TYPES.items():
        fields[name] = COLUMN(column)
    return Schema(**fields)


def _epoch(value: datetime | None) -> int:
    return int(value.timestamp()) if value else 0


def document_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """The Whoosh fields of one search document (see app.search.documents)."""
    reports = (doc.get("reports") or "")[:MAX_REPORT_CHARS]
    fields: dict[str, Any] = {
        "id": str(doc["id"]),
        "title": doc["title"],
        "summary": doc["summary"],
        "body": doc.get("body") or "",
        "reports": reports,
        # Phrases are looked for in the measure's own text, not in attached reports: report
        # text is long, and pairs would double its share of the index.
        PAIRS_FIELD: (doc["title"], doc["summary"], doc.get("body") or ""),
        # A concept as many times as the text names it (BM25's term frequency saturates).
        CONCEPT_FIELD: " ".join(
            c for c, n in (doc.get("concepts") or {}).items() for _ in range(n)
        ),
        # A concept the title names is a lead concept twice: a title says what a measure is
        # about even more than a summary (BM25's K1 of the field sets how much more).
        LEAD_CONCEPT_FIELD: " ".join(
            [*(doc.get("lead_concepts") or ()), *(doc.get("title_concepts") or ())]
        ),
        "meta": {
            "title": doc["title"],
            "summary": doc["summary"],
            "external_id": doc.get("external_id"),
            "revision_id": doc.get("revision_id"),
            "evidence_level": doc["evidence_level"],
            "evidence_label": doc.get("evidence_label") or "",
            "harm_flag": bool(doc.get("harm_flag")),
            "countries": list(doc.get("countries") or []),
            "published_at": doc["published_at"].isoformat() if doc.get("published_at") else None,
            "rating": float(doc.get("rating") or 0.0),
            "text_language": doc.get("text_language"),
        },
        "n_evidence": int(doc["evidence_level"]),
        "n_harm": 1 if doc.get("harm_flag") else 0,
        "n_rating": round(float(doc.get("rating") or 0.0) * 1000),
        "n_published": _epoch(doc.get("published_at")),
        "n_year": int(doc.get("start_year") or 0),
    }
    lang = doc.get("text_language")
    if lang in STEMMED_LANGUAGES:
        fields[stem_field(lang)] = "\n\n".join(
            p for p in (doc["title"], doc["summary"], doc.get("body"), reports) if p
        )
    for key in FACET_KEYS:
        values = facet_values(doc, key)
        if values:
            fields[facet_field(key)] = " ".join(values)
    return fields

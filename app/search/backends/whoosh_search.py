"""One search against a Whoosh snapshot, evaluated with numpy instead of Whoosh's matchers.

Each word of the query becomes the terms it can match (the folded word in the neutral fields,
its stem in every language's field; a phrase becomes its word pairs). A term's postings come
from the snapshot as (document numbers, BM25 scores) arrays, so a word is one `bincount`
over its terms, and the query tree is a few vectorised mask and score operations. That gives
the exact match set (hence the exact total and facet counts) and every score in one pass;
the page is then cut with argpartition, and only its hits are read and highlighted.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import numpy as np
from whoosh.automata.lev import levenshtein_automaton
from whoosh.codec.base import Automata
from whoosh.searching import Searcher

from app.search.analysis import STEMMED_LANGUAGES, analyze, edit_distance, pairs
from app.search.backends.base import (
    Deadline,
    SearchHit,
    SearchQuery,
    SearchResults,
    Via,
    content_nodes,
    typed_text,
)
from app.search.backends.whoosh_schema import (
    CONCEPT_FIELD,
    LEAD_CONCEPT_FIELD,
    NEUTRAL_FIELDS,
    PAIRS_FIELD,
    SPELLING_FIELDS,
    STEM_FIELDS,
    stem_field,
)
from app.search.backends.whoosh_snapshot import Snapshot
from app.search.concept_match import KNOWN_WORD, foreign_languages, is_known_word
from app.search.concepts import concept_weight, narrower, part_weight
from app.search.documents import FACET_KEYS
from app.search.facets import VERDICT_VALUES, ordered_counts
from app.search.feedback import FEEDBACK_KEYS, WINDOW, reorders, rerank, tag
from app.search.highlight import QueryTerms, highlight
from app.search.off_topic import language_share, off_topic_words, phrasings, query_part
from app.search.query import (
    Concepts,
    Node,
    ParsedText,
    Phrase,
    Synonyms,
    Word,
    node_concepts,
    parse_text,
)
from app.search.suggestions import (
    RARE_WORD_DOCS,
    STEM_ONLY,
    Candidate,
    best_candidate,
    corrected_text,
    corrections,
    distance,
    english_stem,
)

# Tuned with bench/search_quality.py (tuning half only).

SYNONYM_BOOST = 0.9  # an equivalent word counts a little less than the word typed
CONCEPT_BOOST = 6.0  # a document tagged with a concept the typed words name
LEAD_BOOST = 6.0  # and as much again when its title or a summary names the concept
PHRASING_BOOST = 2.0  # a document tagged with the concept of an everyday phrasing
# A document tagged only with kinds of a concept ("csam" for "sexual_exploitation") scores this
# share of one naming the concept once: below it, not tied with it (not tuned: 0.25 to 1 are
# within 0.001 on the tuning half).
KIND_SHARE = 0.5
# A document found only by the concept of one typed word scores at most this share of the
# best match of the word itself (what was typed ranks first: "Parafilik", not paraphilia).
CONCEPT_CAP = 0.8
PREFIX_BOOST = 0.3  # a longer indexed word the typed word begins ("Missbrauch…sabbildungen")
COORD_WEIGHT = 0.8  # score × (1 - w + w × matched parts / all parts)
# A document whose title holds every typed part of the query scores this much more: the
# measure asked for by its name ("Help Wanted") ranks above one that says "help" throughout.
TITLE_BOOST = 0.5
# A typed word of at least this many letters also matches the words it begins (compounds).
MIN_PREFIX = 6
MAX_PREFIX_TERMS = 40  # per field: a short common prefix must not pull in half the index
SUMMARY_SNIPPET = 320

# A part of a node: every term in `tokens` must occur in `field` ("all"), scores summed.
Part = tuple[str, tuple[str, ...], float]  # field, tokens, boost


class WhooshSearch:
    def __init__(
        self,
        searcher: Searcher,
        snap: Snapshot,
        query: SearchQuery,
        parsed: ParsedText,
        deadline: Deadline | None = None,
    ) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.snap = snap
        self.query = query
        self.text = query.q  # the text searched: as typed, or as corrected
        self.parsed = parsed
        self.deadline = deadline or Deadline()
        self._evaluated: dict[Node, tuple[np.ndarray, np.ndarray]] = {}

    # --- the query tree as masks and scores ----------------------------------------------------

    @staticmethod
    def _phrase_parts(tokens: tuple[str, ...], boost: float) -> list[Part]:
        if len(tokens) == 1:
            return [(name, tokens, boost) for name in NEUTRAL_FIELDS]
        return [(PAIRS_FIELD, tuple(pairs(tokens)), boost)]

    def _prefix_parts(self, token: str, boost: float) -> list[Part]:
        """The indexed words that begin with `token`, for compounds of German, Dutch, Swedish
        and Finnish ("Missbrauch" finds "Missbrauchsabbildungen")."""
        parts: list[Part] = []
        for name in NEUTRAL_FIELDS:
            for term in self._prefixed(name, token):
                if term != token:
                    parts.append((name, (term,), boost * PREFIX_BOOST))
        return parts

    def _prefixed(self, name: str, prefix: str) -> list[str]:
        """At most MAX_PREFIX_TERMS indexed words of a field that begin with `prefix`."""
        out = []
        for i, term in enumerate(self.reader.expand_prefix(name, prefix)):
            if i == MAX_PREFIX_TERMS:
                break
            out.append(term.decode("utf-8") if isinstance(term, bytes) else term)
        return out

    def _word_parts(self, text: str, tokens: tuple[str, ...], boost: float) -> list[Part]:
        parts = self._phrase_parts(tokens, boost)
        if self.query.expand and len(tokens) == 1 and len(tokens[0]) >= MIN_PREFIX:
            parts += self._prefix_parts(tokens[0], boost)
        for lang in STEMMED_LANGUAGES:
            stems = tuple(analyze(text, lang))
            if stems:
                parts.append((stem_field(lang), stems, boost))
        return parts

    def _parts(self, node: Word | Phrase, boost: float = 1.0, stemmed: bool = True) -> list[Part]:
        if isinstance(node, Word) and stemmed:
            return self._word_parts(node.text, node.tokens, boost)
        return self._phrase_parts(node.tokens, boost)

    def _part_postings(self, part: Part) -> tuple[np.ndarray, np.ndarray]:
        name, tokens, boost = part
        ids, scores = self.snap.term(name, tokens[0])
        for token in tokens[1:]:
            other_ids, other_scores = self.snap.term(name, token)
            common = np.intersect1d(ids, other_ids, assume_unique=True)
            scores = (
                scores[np.searchsorted(ids, common)]
                + other_scores[np.searchsorted(other_ids, common)]
            )
            ids = common
        return ids, scores * boost if boost != 1.0 else scores

    def _union(self, parts: list[Part]) -> tuple[np.ndarray, np.ndarray]:
        postings = [self._part_postings(p) for p in parts]
        postings = [p for p in postings if p[0].size]
        if not postings:
            return np.zeros(self.snap.size, bool), np.zeros(self.snap.size, np.float64)
        ids = np.concatenate([p[0] for p in postings])
        weights = np.concatenate([p[1] for p in postings])
        score = np.bincount(ids, weights=weights, minlength=self.snap.size)
        return score > 0, score

    def _concepts(self, ids: tuple[str, ...], boost: float) -> tuple[np.ndarray, np.ndarray]:
        """Documents tagged with any of these concepts, or with a kind of one (a narrower
        concept: "primary_school" for "school"), which scores less (_concept_and_kinds)."""
        mask = np.zeros(self.snap.size, dtype=bool)
        score = np.zeros(self.snap.size, dtype=np.float64)
        for concept in ids:
            concept_mask, concept_score = self.snap.derived(
                ("concept", concept), lambda concept=concept: self._concept_and_kinds(concept)
            )
            mask |= concept_mask
            score += concept_score * (boost * concept_weight(concept))
        return mask, score

    def _concept_and_kinds(self, concept: str) -> tuple[np.ndarray, np.ndarray]:
        """(mask, score at boost 1) of the documents tagged with the concept or a kind of it:
        one tagged only with kinds scores KIND_SHARE of one naming the concept once (BM25's
        term frequency factor of one mention is 1 in the concept field, whose b is 0)."""
        mask, score = self._concept(concept, 1.0)
        kinds = [self._union([(CONCEPT_FIELD, (k,), 1.0)])[0] for k in narrower(concept)]
        if not kinds:
            return mask, score
        in_kinds = np.logical_or.reduce(kinds) & ~mask
        return mask | in_kinds, np.where(in_kinds, KIND_SHARE * self._concept_idf(concept), score)

    def _concept(self, concept: str, boost: float) -> tuple[np.ndarray, np.ndarray]:
        """Documents tagged with the concept; those whose title or summary names it score
        higher (lead concepts are a subset of the tags)."""
        mask, score = self._union([(CONCEPT_FIELD, (concept,), boost)])
        lead_boost = boost * LEAD_BOOST / CONCEPT_BOOST
        return mask, score + self._union([(LEAD_CONCEPT_FIELD, (concept,), lead_boost)])[1]

    def _false_friends(self, word: Word, found: np.ndarray, concept_mask: np.ndarray) -> np.ndarray:
        """The documents `found` by a term word only as another language's word: in a language
        the word is no term of, not tagged with its concept ("Kita", German for day-care, is
        Lithuanian for "other")."""
        foreign = foreign_languages(word.tokens)
        if not foreign:
            return np.zeros(self.snap.size, dtype=bool)
        in_language, _sizes = self.snap.derived(("languages",), self._languages)
        rows = [STEMMED_LANGUAGES.index(lang) for lang in foreign]
        return found & in_language[rows].any(axis=0) & ~concept_mask

    def _concept_idf(self, concept: str) -> float:
        """BM25's idf of a concept tag, as the snapshot scores it (its highest for a concept
        no document has)."""
        return self.snap.idf(CONCEPT_FIELD, self.snap.term(CONCEPT_FIELD, concept)[0].size)

    def evaluate(self, node: Node) -> tuple[np.ndarray, np.ndarray]:
        """(matching documents, score per document) for one node of the query tree."""
        if node not in self._evaluated:
            self._evaluated[node] = self._evaluate(node)
        return self._evaluated[node]

    def _evaluate(self, node: Node) -> tuple[np.ndarray, np.ndarray]:
        self.deadline.check()
        if isinstance(node, Word | Phrase):
            return self._union(self._parts(node))
        if isinstance(node, Synonyms):
            # A document gets the typed words' score plus that of its best-matching
            # equivalent (not the sum of all: a long list of equivalents must not outweigh
            # the words typed). One-word equivalents are stemmed like typed words
            # ("Missbrauchsabbildung" finds "Missbrauchsabbildungen"); longer ones are
            # matched as phrases.
            mask, score = self.evaluate(node.original)
            mask, best = mask.copy(), np.zeros(self.snap.size, dtype=np.float64)
            for alt in node.alternatives:
                parts = self._parts(alt, SYNONYM_BOOST, stemmed=len(alt.tokens) == 1)
                alt_mask, alt_score = self._union(parts)
                mask |= alt_mask
                np.maximum(best, alt_score, out=best)
            if node.concepts:
                concept_mask, concept_score = self._concepts(node.concepts, CONCEPT_BOOST)
                if isinstance(node.original, Word):
                    other = self._false_friends(node.original, mask, concept_mask)
                    if other.any():
                        mask, score = mask & ~other, np.where(other, 0.0, score)
                top = float(score.max()) if score.size else 0.0
                if top > 0 and isinstance(node.original, Word):
                    # What was typed ranks first: a document found only by the concept
                    # scores below the best match of the typed words. Scaled, not clipped:
                    # among those documents, one whose title names the concept still ranks
                    # above one that mentions it in passing.
                    peak = float(concept_score.max())
                    if peak > CONCEPT_CAP * top:
                        concept_score = concept_score * (CONCEPT_CAP * top / peak)
                mask |= concept_mask
                np.maximum(best, concept_score, out=best)
            return mask, score + best
        if isinstance(node, Concepts):
            return self._concepts(node.ids, PHRASING_BOOST)
        score = np.zeros(self.snap.size, dtype=np.float64)
        if node.must:
            mask = np.ones(self.snap.size, dtype=bool)
            for child in node.must:
                child_mask, child_score = self.evaluate(child)
                mask &= child_mask
                score += child_score
        elif node.should:
            mask = np.zeros(self.snap.size, dtype=bool)
        else:
            mask = self.snap.live.copy()  # only exclusions: everything else matches
        for child in content_nodes(node.should):
            child_mask, child_score = self.evaluate(child)
            if not node.must:
                mask |= child_mask
            score += child_score
        for child in node.must_not:
            mask &= ~self.evaluate(child)[0]
        return mask, np.where(mask, score, 0.0)

    def _off_topic(self) -> list[str]:
        """The words no measure is about, when the query is off topic (app/search/off_topic.py)."""
        live = self.snap.live
        units = self.parsed.units
        masks = [self.evaluate(unit)[0] & live for unit in units]
        parts = [
            query_part(
                typed_text(unit),
                unit,
                int(np.count_nonzero(found)),
                lambda found=found: self._summaries(np.flatnonzero(found)),
                self._language_share(found),
                lambda: bool(np.logical_and.reduce(masks).any()),  # one measure matches all
                self._literal_frequency,
            )
            for unit, found in zip(units, masks, strict=True)
        ]
        return off_topic_words(
            parts, int(np.count_nonzero(live)), phrasings(self.parsed), self.text
        )

    def _language_share(self, found: np.ndarray) -> float:
        """The largest share of one language's live measures that `found` holds (a measure's
        language is that of the stemmed field its text is in)."""
        in_language, sizes = self.snap.derived(("languages",), self._languages)
        return language_share(zip((in_language @ found).tolist(), sizes.tolist(), strict=True))

    def _languages(self) -> tuple[np.ndarray, np.ndarray]:
        """(one row per stemmed language: 1 for its live measures, their counts)."""
        rows = [(self.snap.lengths(name)[0] > 0) & self.snap.live for name in STEM_FIELDS]
        matrix = np.array(rows, dtype=np.int32)
        return matrix, matrix.sum(axis=1)

    def _summaries(self, docnums: np.ndarray) -> Iterator[tuple[str, str]]:
        for docnum in docnums:
            meta = self.searcher.stored_fields(int(docnum)).get("meta") or {}
            yield meta.get("title", ""), meta.get("summary", "")

    def _coordination(self) -> np.ndarray | float:
        """Documents that match more of the query's parts (by their part_weight) rank higher."""
        units = self.parsed.units
        if len(units) < 2:
            return 1.0
        matched = np.zeros(self.snap.size, dtype=np.float64)
        weights = [part_weight(node_concepts(unit)) for unit in units]
        for unit, weight in zip(units, weights, strict=True):
            found = self.evaluate(unit)[0]
            for phrasing in self.parsed.phrasings_of(unit):
                # A document tagged with the concept of an everyday phrasing that matched
                # some of the unit's words has what they asked for.
                found = found | self.evaluate(phrasing)[0]
            matched += weight * found
        return (1.0 - COORD_WEIGHT) + COORD_WEIGHT * matched / sum(weights)

    def _in_title(self, node: Node) -> np.ndarray:
        """Documents whose title holds the words typed for `node` (not its equivalents)."""
        size = self.snap.size
        if isinstance(node, Synonyms):
            return self._in_title(node.original)
        if isinstance(node, Word | Phrase):
            ids = self.snap.term("title", node.tokens[0])[0]
            for token in node.tokens[1:]:
                ids = np.intersect1d(ids, self.snap.term("title", token)[0], assume_unique=True)
            mask = np.zeros(size, dtype=bool)
            mask[ids] = True
            return mask
        if isinstance(node, Concepts):
            return np.ones(size, dtype=bool)  # an everyday phrasing: nothing typed to hold
        masks = [self._in_title(child) for child in node.must or content_nodes(node.should)]
        return np.logical_and.reduce(masks) if masks else np.zeros(size, dtype=bool)

    def _title_factor(self) -> np.ndarray | float:
        """1 + TITLE_BOOST for documents whose title holds every unit's typed words."""
        if not TITLE_BOOST or not self.parsed.units:
            return 1.0
        held = np.logical_and.reduce([self._in_title(unit) for unit in self.parsed.units])
        return 1.0 + TITLE_BOOST * held

    # --- the search -------------------------------------------------------------------------

    def _autocorrect(self) -> tuple[str | None, str | None]:
        """Correct misspelt words before searching: (corrected query, suggestion)."""
        query, parsed = self.query, self.parsed
        if parsed.is_empty:
            return None, None
        replacements = corrections(
            parsed, self._frequency, self._correction, self.deadline, self._together
        )
        corrected = corrected_text(query.q, replacements)
        if corrected is None or not query.autocorrect:
            return None, corrected
        self.parsed = parse_text(corrected, expand=query.expand, no_expand=query.no_expand)
        self.text = corrected
        self._evaluated = {}
        return corrected, corrected

    def run(self) -> SearchResults:
        corrected, suggestion = self._autocorrect()
        query, snap, parsed = self.query, self.snap, self.parsed
        scores: np.ndarray | None = None
        off_topic: list[str] = []
        if parsed.is_empty:
            fixed = snap.live
        else:
            mask, scores = self.evaluate(parsed.root)
            fixed = mask & snap.live
            scores = scores * self._coordination() * self._title_factor()
            off_topic = [] if query.partial else self._off_topic()
            if off_topic:
                fixed = np.zeros(snap.size, dtype=bool)
        evidence, year = snap.columns["n_evidence"], snap.columns["n_year"]
        if query.evidence_min is not None:
            fixed = fixed & (evidence >= query.evidence_min)
            if query.evidence_min >= 1:  # a verdict is never "level 1 or better" (§5)
                fixed = fixed & ~snap.facets["evidence_level"].any_of(VERDICT_VALUES)
        if query.year_from is not None:
            fixed = fixed & (year >= query.year_from)
        if query.year_to is not None:
            fixed = fixed & (year > 0) & (year <= query.year_to)
        selected = {k: snap.facets[k].any_of(v) for k, v in query.filters.items()}
        final = fixed.copy()
        for mask in selected.values():
            final &= mask
        total = int(final.sum())
        page = self._page(final, scores)
        hits = []
        for docnum, score in page:
            self.deadline.check()
            hits.append(self._hit(docnum, score))
        return SearchResults(
            query=query,
            total=total,
            hits=hits,
            facets=self._facets(fixed, selected) if query.facets else {},
            suggestion=suggestion,
            expansions=list(parsed.expansions),
            corrected_query=corrected,
            original_query=query.q if corrected else None,
            off_topic=off_topic,
        )

    def _facets(
        self, fixed: np.ndarray, selected: dict[str, np.ndarray]
    ) -> dict[str, dict[str, int]]:
        """Counts per value; a facet's own selection is left out, so its values stay OR-able."""
        everything = fixed.copy()
        for mask in selected.values():
            everything &= mask
        out: dict[str, dict[str, int]] = {}
        for key in FACET_KEYS:
            base = everything
            if key in selected:
                base = fixed.copy()
                for other, mask in selected.items():
                    if other != key:
                        base &= mask
            counts = self.snap.facets[key].counts(base)
            for value in self.query.filters.get(key, ()):
                counts.setdefault(value, 0)
            out[key] = ordered_counts(key, counts)
        return out

    def _page(self, final: np.ndarray, scores: np.ndarray | None) -> list[tuple[int, float]]:
        query, cols = self.query, self.snap.columns
        ids = np.flatnonzero(final)
        if not ids.size:
            return []
        sort = query.sort
        if sort == "relevance" and scores is None:
            sort = "newest"  # browsing: nothing to be relevant to
        doc_scores = scores[ids] if scores is not None else np.zeros(ids.size)
        newest = -cols["n_published"][ids]
        end = query.offset + query.per_page
        # A page feedback reorders needs the whole window ordered.
        feedback = reorders(sort, query.expand, query.offset)
        ordered = max(end, WINDOW) if feedback else end
        if sort == "relevance" and ordered < ids.size:
            # Only the best need ordering: partition first (linear), then sort those, with
            # every document tied with the last of them (which of the tied a partition keeps
            # is arbitrary; the sort below decides ties).
            last = -np.partition(-doc_scores, ordered - 1)[ordered - 1]
            best = np.flatnonzero(doc_scores >= last)
            ids, doc_scores, newest = ids[best], doc_scores[best], newest[best]
        if sort == "relevance":
            keys: tuple[np.ndarray, ...] = (-ids, newest, -doc_scores)
        elif sort == "evidence":  # harm-flagged last, whatever their level
            keys = (-ids, newest, -doc_scores, -cols["n_evidence"][ids], cols["n_harm"][ids])
        elif sort == "rating":
            keys = (-ids, newest, -doc_scores, -cols["n_evidence"][ids], -cols["n_rating"][ids])
        else:
            keys = (-ids, newest)
        order = np.lexsort(keys)
        if feedback:
            order = order[:ordered]
            return self._feedback(ids[order], doc_scores[order])[query.offset : end]
        return [(int(ids[i]), float(doc_scores[i])) for i in order[query.offset : end]]

    def _feedback(self, ids: np.ndarray, scores: np.ndarray) -> list[tuple[int, float]]:
        """Documents in relevance order, the best WINDOW reordered by their tags (feedback.py)."""
        head = ids[:WINDOW]
        tags: list[list[str]] = [[] for _ in head]
        for key in FEEDBACK_KEYS:
            facet = self.snap.facets[key]
            if facet.values:
                for row, i in zip(*np.nonzero(facet.masks[:, head]), strict=True):
                    tags[i].append(tag(key, facet.values[row]))
        ranked = [(int(d), float(s)) for d, s in zip(ids, scores, strict=True)]
        return rerank(ranked[:WINDOW], tags) + ranked[WINDOW:]

    def _hit(self, docnum: int, score: float) -> SearchHit:
        stored: dict[str, Any] = self.searcher.stored_fields(docnum)
        meta = stored.get("meta") or {}
        title, summary = meta.get("title", ""), meta.get("summary", "")
        highlights: dict[str, str] = {}
        if self.query.highlight and not self.parsed.is_empty:
            terms = self._query_terms()
            lang = meta.get("text_language")
            for name, text, size in (("title", title, None), ("summary", summary, SUMMARY_SNIPPET)):
                marked = highlight(text, terms, lang, size)
                if marked is not None:
                    highlights[name] = str(marked)
        published = meta.get("published_at")
        via = [found for found, mask in self._via() if mask[docnum]]
        return SearchHit(
            id=int(stored["id"]),
            external_id=meta.get("external_id"),
            title=title,
            summary=summary,
            evidence_level=int(meta.get("evidence_level", 0)),
            evidence_label=meta.get("evidence_label", ""),
            harm_flag=bool(meta.get("harm_flag")),
            countries=list(meta.get("countries") or []),
            score=round(score, 4),
            highlights=highlights,
            published_at=datetime.fromisoformat(published) if published else None,
            rating=float(meta.get("rating") or 0.0),
            text_language=meta.get("text_language"),
            matched_via=via,
        )

    def _via(self) -> list[tuple[Via, np.ndarray]]:
        """Per expansion, what it was (a Via) and the documents only it brought."""
        if hasattr(self, "_via_masks"):
            return self._via_masks
        out: list[tuple[Via, np.ndarray]] = []
        labels = {(e.concept, e.matched): e for e in self.parsed.expansions}
        for node in self.parsed.root.must + self.parsed.root.should:
            if isinstance(node, Synonyms) and node.concepts:
                typed = self.evaluate(node.original)[0]
                matched = typed_text(node.original)
                ids = node.concepts
            elif isinstance(node, Concepts):
                typed = np.zeros(self.snap.size, dtype=bool)
                matched, ids = node.matched, node.ids
            else:
                continue
            for concept in ids:
                expansion = labels.get((concept, matched))
                if expansion is None:
                    continue
                mask = self._concepts((concept,), 1.0)[0] & ~typed
                out.append((Via(concept, expansion.label, matched), mask))
        self._via_masks = out
        return out

    def _query_terms(self) -> QueryTerms:
        if not hasattr(self, "_terms"):
            self._terms = QueryTerms(self.parsed.highlight_terms())
        return self._terms

    # --- did you mean ---------------------------------------------------------------------
    # Whoosh's term lists keep the words of deleted documents (archived measures, replaced
    # revisions) until a merge: a word counts only with live documents (the snapshot's).

    def _live_frequency(self, name: str, token: str) -> int:
        return int(self.snap.term(name, token)[0].size)

    def _literal_frequency(self, token: str) -> int:
        """Live documents holding the folded word as written."""
        return max(self._live_frequency(f, token) for f in NEUTRAL_FIELDS)

    def _frequency(self, word: Word) -> int:
        """Live documents holding the word; STEM_ONLY for a word known only by a stem."""
        token = word.tokens[0]
        docs = self._literal_frequency(token)
        if docs > RARE_WORD_DOCS:
            return docs
        if is_known_word(token, word.text):
            return KNOWN_WORD
        if docs:
            return docs
        for lang, name in zip(STEMMED_LANGUAGES, STEM_FIELDS, strict=True):
            stems = analyze(word.text, lang)
            if stems and self._live_frequency(name, stems[0]):
                return STEM_ONLY
        return 0

    def _together(self, words: list[Word | Phrase]) -> bool:
        """Whether some live document holds every one of these words."""
        mask = self.snap.live.copy()
        for word in words:
            mask &= self._union(self._parts(word))[0]
        return bool(mask.any())

    def _docs(self, word: str) -> int:
        return max(self._live_frequency(f, word) for f in SPELLING_FIELDS)

    def _matches(self, token: str, maxdist: int, fields: tuple[str, ...]) -> set[str]:
        """Indexed words within `maxdist` edits of `token`, with the same initial."""
        # One automaton per distance (what reader.terms_within builds for every call), run
        # over each segment's terms.
        dfa = levenshtein_automaton(token, maxdist, prefix=1).to_dfa()
        found: set[str] = set()
        for name in fields:
            for leaf, _offset in self.reader.leaf_readers():
                found.update(Automata.find_matches(dfa, leaf.cursor(name)))
        return found

    def _correction(self, token: str) -> Candidate | None:
        """The closest live word (1 edit, or 2 for longer words, as words or English stems),
        the most frequent among equally close ones."""
        words = self._matches(token, 2, SPELLING_FIELDS)
        if len(token) < 5:  # one edit, a swap included ("kisd": two for the automaton)
            words = {w for w in words if edit_distance(token, w, 1) <= 1}
        stem = english_stem(token)
        if len(stem) >= 5:
            # Words whose English stem is one edit from the typed word's stem.
            for other in self._matches(stem, 1, (stem_field("en"),)):
                for name in SPELLING_FIELDS:
                    words.update(w for w in self._prefixed(name, other) if english_stem(w) == other)
        words.discard(token)
        candidates = [Candidate(w, self._docs(w), distance(token, w)) for w in words]
        return best_candidate(token, candidates, self.query.lenient_spelling)

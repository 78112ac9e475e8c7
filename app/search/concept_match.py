"""Which concepts of the vocabulary (app/search/concepts.py) a document or a query mentions.

A document is tagged, at index time, with the concepts whose terms occur in its text, in its own
language or in English (the taxonomy labels in a document's body and `summary_en` are English),
compared word by word folded, stemmed and as lemmas (app/search/lemmas.py), so
"Missbrauchsabbildung" tags the concept listed as "Missbrauchsabbildungen" and Estonian "laste
seksuaalse väärkohtlemise" the one listed as "laste seksuaalne väärkohtlemine". A query's words
are looked up in every language, so a word typed in one language matches documents tagged from
any other. Everyday phrasings match loosely: most of
a phrasing's content words ("teenagers … threatened … photos") in the query are enough.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from whoosh.lang import has_stopwords, stopwords_for_language

from app.search.analysis import (
    SNOWBALL_LANGUAGES,
    STEMMED_LANGUAGES,
    analyze,
    edit_distance,
    fold,
    query_stopwords,
    split_words,
    stem_word,
    stopwords,
    tokenize,
    typed_word,
)
from app.search.common_words import ALWAYS, common_words, is_common_anywhere, list_languages
from app.search.concepts import (
    LANGUAGE_GROUP,
    MIN_NAME_STEM,
    PLACE_GROUP,
    Concept,
    field_wide,
    load_concepts,
)
from app.search.lemmas import lemma_forms, lemmatize

Key = tuple[str, ...]
MIN_STEM = 4  # shorter stems of a foreign language collide with unrelated words
# A query reads like the everyday phrasings of some concepts when these cover at least
# PHRASE_MIN_COVER of its words' weight (PhrasePool), each adding PHRASE_MIN_PART of it with at
# least PHRASE_MIN_WORDS words.
PHRASE_MIN_WORDS = 2
PHRASE_MIN_COVER = 0.5
PHRASE_MIN_PART = 0.25
PHRASE_MAX_CONCEPTS = 3
# Two words match a concept's phrasings only when one of them is in the phrasings of at most
# this many concepts of their language.
PHRASE_TELLING = 4
WEIGHT_FLOOR = 0.5  # added to every word's idf: a word all concepts' phrasings hold still counts
UNKNOWN_SHARE = 0.5  # a word no phrasing holds weighs as one in half a concept's phrasings
# The document frequency a spelling corrector is told for a word known to be spelt right.
KNOWN_WORD = 1_000_000


@dataclass(frozen=True)
class Table:
    """Term keys -> concept ids, with what a scan needs to skip most words quickly."""

    keys: dict[Key, tuple[str, ...]]
    lengths: dict[str, tuple[int, ...]]  # first word -> the lengths of its keys, shortest first
    longest: int
    starts: frozenset[str]  # the first three letters of every word of every key

    def mentions(self, tokens: Sequence[str]) -> Counter[str]:
        """How many times `tokens` name each concept: keys of one concept ending on the same
        word are one mention ("child sexual abuse" holds "sexual abuse")."""
        keys, lengths, n = self.keys, self.lengths, len(tokens)
        ends: set[tuple[str, int]] = set()
        for i, token in enumerate(tokens):
            for k in lengths.get(token, ()):
                if i + k > n:
                    break
                for concept_id in keys.get(tuple(tokens[i : i + k]), ()):
                    ends.add((concept_id, i + k))
        return Counter(concept_id for concept_id, _end in ends)


def _table(pairs: Iterable[tuple[Key, str]]) -> Table:
    keys: dict[Key, list[str]] = {}
    for key, concept_id in pairs:
        ids = keys.setdefault(key, [])
        if concept_id not in ids:
            ids.append(concept_id)
    return Table(
        {k: tuple(v) for k, v in keys.items()},
        _lengths(keys),
        max((len(k) for k in keys), default=0),
        frozenset(t[:3] for k in keys for t in k),
    )


def _lengths(keys: Iterable[Key]) -> dict[str, tuple[int, ...]]:
    out: dict[str, set[int]] = {}
    for key in keys:
        out.setdefault(key[0], set()).add(len(key))
    return {first: tuple(sorted(found)) for first, found in out.items()}


def _usable(key: Key, min_length: int = 3) -> bool:
    """A key worth matching: not only function words, not a two-letter abbreviation."""
    stop = query_stopwords()
    return bool(key) and sum(map(len, key)) >= min_length and not all(t in stop for t in key)


def _stems(text: str, lang: str) -> Key:
    return tuple(analyze(text, lang)) if lang in STEMMED_LANGUAGES else ()


@dataclass(frozen=True)
class Tables:
    folded: dict[str, Table]  # language -> folded words of its terms
    stemmed: dict[str, Table]  # stemmed language -> stems of its terms
    any_folded: Table  # every language's terms, folded (queries)
    # language -> its terms' words as lemmas: the forms no stemmer here joins ("lasten" and
    # "lapsi"; Latvian, Croatian, Slovenian, Bulgarian have no stemmer at all)
    lemmas: dict[str, Table]
    # folded word -> the languages where it (as a lemma) begins a term: a query's run of words
    # is looked up in those only
    lemma_starts: dict[str, tuple[str, ...]]
    # folded acronym -> concepts, for acronyms that are a common word of some language too:
    # matched only as written in capitals (cased_acronym)
    acronyms: dict[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def tables() -> Tables:
    vocabulary = load_concepts()
    folded: dict[str, list[tuple[Key, str]]] = {}
    stemmed: dict[str, list[tuple[Key, str]]] = {}
    lemmas: dict[str, list[tuple[Key, str]]] = {}
    acronyms: list[tuple[Key, str]] = []
    for concept in vocabulary.concepts:
        for lang, terms in concept.terms.items():
            for term in terms:
                key = tuple(tokenize(term))
                if _is_common_acronym(term):
                    acronyms.append((key, concept.id))
                    continue
                if _usable(key):
                    folded.setdefault(lang, []).append((key, concept.id))
                    if lang in lemma_forms():
                        lemmas.setdefault(lang, []).append((lemmatize(key, lang), concept.id))
                if term in concept.unstemmed.get(lang, ()):
                    continue  # its stem is a common word's of another meaning
                stems = _stems(term, lang)
                # Every word must keep a stem: a dropped function word would let "helpline
                # for" pass for "helpline".
                if len(stems) == len(key) and _usable(stems, MIN_STEM):
                    stemmed.setdefault(lang, []).append((stems, concept.id))
    by_lemma = {lang: _table(pairs) for lang, pairs in lemmas.items()}
    return Tables(
        folded={lang: _table(pairs) for lang, pairs in folded.items()},
        stemmed={lang: _table(pairs) for lang, pairs in stemmed.items()},
        any_folded=_table(p for pairs in folded.values() for p in pairs),
        lemmas=by_lemma,
        lemma_starts=_lemma_starts(by_lemma),
        acronyms={key[0]: ids for key, ids in _table(acronyms).keys.items()},
    )


# An acronym has at least this many capitals, and more capitals than small letters ("CoSA",
# "MAPs", "PTSD"; not Dutch "IJsland").
ACRONYM_CAPITALS = 2


def _is_acronym(word: str) -> bool:
    capitals = sum(c.isupper() for c in word)
    return capitals >= ACRONYM_CAPITALS and capitals > sum(c.islower() for c in word)


def _is_common_acronym(term: str) -> bool:
    """Whether a term is an acronym that is also a common word of some language: "COSA"
    (Italian "cosa", what), "MAPs" (maps). Such a term names its concept only in capitals."""
    return " " not in term and _is_acronym(term) and is_common_anywhere(fold(term))


def cased_acronym(word: str) -> tuple[str, ...]:
    """The concepts of an acronym that is also a common word, when `word` (as typed or written)
    has its capitals: "COSA" and "CoSA" are Circles of Support and Accountability, "cosa" and
    "Cosa" are Italian for "what"."""
    return tables().acronyms.get(fold(word), ()) if _is_acronym(word) else ()


def _lemma_starts(tables: dict[str, Table]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for lang, table in tables.items():
        for word in table.lengths:
            out.setdefault(word, []).append(lang)
        for form, lemma in lemma_forms()[lang].items():
            if lemma in table.lengths:
                out.setdefault(form, []).append(lang)
    return {word: tuple(dict.fromkeys(langs)) for word, langs in out.items()}


# --- documents ----------------------------------------------------------------------------------


def text_mentions(texts: Iterable[str], lang: str | None) -> list[Counter[str]]:
    """Per text of a document in `lang` (and in English): how many times it names each
    concept. A mention found both folded and stemmed, or in both languages, counts once (the
    most any one reading finds)."""
    t = tables()
    languages = dict.fromkeys(code for code in (lang, "en") if code)
    out = []
    for text in texts:
        counts: Counter[str] = Counter()
        if text:
            tokens = tokenize(text)
            for language in languages:
                # The document's own language as lemmas: a token equal to a term's word has
                # its lemma, so this finds what the folded words would, and other forms too.
                # Not English, whose stemmer joins its forms already: English lemmas would
                # newly tag most documents with the plurals of terms such as "code of conduct".
                if language == lang and language in t.lemmas and language != "en":
                    counts |= t.lemmas[language].mentions(lemmatize(tokens, language))
                elif language in t.folded:
                    counts |= t.folded[language].mentions(tokens)
            # Stems in the document's own language only: stemming is most of the cost, and
            # the English in other documents (taxonomy labels) is written as the terms are.
            if (lang or "en") in t.stemmed:
                table = t.stemmed[lang or "en"]
                counts |= table.mentions(_stems_for(text, lang or "en", table.starts))
            counts |= _cased_mentions(text)
        # A country named in the text is not where the measure runs (its countries say that).
        for place in places() & counts.keys():
            del counts[place]
        out.append(counts)
    return out


@lru_cache(maxsize=1)
def _acronym_pattern() -> re.Pattern[str] | None:
    """The acronyms that are common words too, in any case: cased_acronym checks the capitals."""
    found = sorted(tables().acronyms, key=len, reverse=True)
    if not found:
        return None
    return re.compile(r"(?<!\w)(" + "|".join(map(re.escape, found)) + r")(?!\w)", re.IGNORECASE)


def _cased_mentions(text: str) -> Counter[str]:
    """The concepts a text names by an acronym written in capitals ("COSA", not "cosa")."""
    pattern = _acronym_pattern()
    out: Counter[str] = Counter()
    for match in pattern.finditer(text) if pattern is not None else ():
        out.update(cased_acronym(match.group(1)))
    return out


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    return frozenset(c.id for c in load_concepts().concepts if c.group == PLACE_GROUP)


@lru_cache(maxsize=32)
def _raw_stopwords(lang: str) -> frozenset[str]:
    if lang in SNOWBALL_LANGUAGES and has_stopwords(lang):
        return frozenset(stopwords_for_language(lang))
    return frozenset()


def _stems_for(text: str, lang: str, starts: frozenset[str]) -> list[str]:
    """The text's stems in `lang`, as analyze() gives them, except that words no term's stem
    could begin like are left unstemmed ("" placeholders, which match nothing)."""
    stop = _raw_stopwords(lang)
    out = []
    for word in split_words(text.lower()):
        if len(word) < 2 or word in stop:
            continue
        if fold(word)[:3] in starts:
            stem = stem_word(word, lang)
            if stem is not None:
                out.append(stem)
        else:
            out.append("")
    return out


# --- queries ------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def term_concepts(words: Key) -> tuple[str, ...]:
    """Concepts with a term of these folded words in any language, or of their stems, or
    (failing both) of other forms of them, or of the words a compound joins."""
    if not _usable(words):
        return ()
    return _term_concepts(words) or _inflected(words) or _compound(words)


# A compound of German, Dutch, the Nordic languages, Finnish, Estonian or Hungarian
# ("Täterprävention", "overgrebsforebyggelse") names the concepts of the words it joins.
# Its head (last part) names a concept, and the part before it adds its own when it names one,
# with or without a linking ending ("Präventions-", "overgrebs-"); or the head is a common word
# naming none, and the part before names the compound's ("Täterarbeit"). Parts have at least
# COMPOUND_PART letters: shorter ones match too many words by chance.
COMPOUND_PART = 5
COMPOUND_LINKS = ("", "s", "e", "n", "en", "es", "er")


def _compound(words: Key) -> tuple[str, ...]:
    split = _split_compound(words)
    if split is None:
        return _first_part_concepts(words)
    _modifier, before, head = split
    return tuple(dict.fromkeys(before + head))


def _first_part_concepts(words: Key) -> tuple[str, ...]:
    """The concepts of a compound's first part when its head names none but is a common word
    of some language ("Täterarbeit": work with offenders; "Kinderschutzgruppen"): a head that
    is no word is another word's ending ("Internat|ionalen" is no boarding school)."""
    if len(words) != 1 or len(words[0]) < 2 * COMPOUND_PART:
        return ()
    word = words[0]
    for cut in range(len(word) - COMPOUND_PART, COMPOUND_PART - 1, -1):  # the longest part first
        if not is_common_anywhere(word[cut:]):
            continue
        found = _modifier_concepts(word[:cut])
        if found:
            return found
    return ()


def _modifier_concepts(modifier: str) -> tuple[str, ...]:
    """The concepts a compound's first part names, with or without a linking ending."""
    for link in COMPOUND_LINKS:
        if modifier.endswith(link) and len(modifier) - len(link) >= COMPOUND_PART:
            found = _part_concepts(modifier[: len(modifier) - len(link)])
            if found:
                return found
    return ()


def _split_compound(words: Key) -> tuple[str, tuple[str, ...], tuple[str, ...]] | None:
    """(the part before the head, the concepts it names, the head's concepts) of a compound,
    its head the longest last part that names a concept; None for a word no part of names one."""
    if len(words) != 1 or len(words[0]) < 2 * COMPOUND_PART:
        return None
    word = words[0]
    for cut in range(COMPOUND_PART, len(word) - COMPOUND_PART + 1):  # the longest head first
        head = _part_concepts(word[cut:])
        if not head:
            continue
        modifier = word[:cut]
        return modifier, _modifier_concepts(modifier), head
    return None


def compound_modifier(words: Key) -> str:
    """The part before the head of a compound that names concepts through its head alone
    ("drogen" of "drogenmissbrauch", drug abuse); "" for a term, or a word that is no such
    compound ("kindesmissbrauch" names children too)."""
    if not _usable(words) or _term_concepts(words) or _inflected(words):
        return ""
    split = _split_compound(words)
    return split[0] if split is not None and not split[1] else ""


@lru_cache(maxsize=65536)  # a query's runs of words, once each
def joined_concepts(words: Key) -> tuple[str, ...]:
    """The concepts of the term these words are written as one word: German, Dutch or Nordic
    writers part a compound with a hyphen or a space ("Kinderschutz-Konzept", "Kinderschutz
    Konzept": "Kinderschutzkonzept", a safeguarding policy)."""
    joined = ("".join(words),)
    if len(words) < 2 or not all(w.isalpha() for w in words) or not _usable(joined):
        return ()
    # As written in any language, else by a stem of a compounding language: other languages'
    # stems and forms of terms join too many pairs by chance ("internet use", "berna maju").
    return tables().any_folded.keys.get(joined, ()) or _part_concepts(joined[0])


def hyphenated_concepts(words: Key) -> tuple[str, ...]:
    """The concepts a hyphenated word no term names names: those of the term it is written
    as one word ("Kinderschutz-Konzept", "Kinderschutzkonzept"), else those of its parts, as
    a compound's ("Online-Therapie"): its last part must name one; those before add theirs."""
    if len(words) < 2:
        return ()
    whole = joined_concepts(words)
    if whole:
        return whole
    head = term_concepts(words[-1:])
    if not head:
        return ()
    modifiers = tuple(c for word in words[:-1] for c in term_concepts((word,)))
    return tuple(dict.fromkeys(modifiers + head))


COMPOUNDING_LANGUAGES = ("de", "nl", "sv", "da", "fi", "et", "hu")


def _part_concepts(part: str) -> tuple[str, ...]:
    """Concepts with a one-word term, or its stem, of a compounding language: English
    "accountability" is no compound of "ability"."""
    t = tables()
    found: list[str] = []
    for lang in COMPOUNDING_LANGUAGES:
        if lang in t.folded:
            found += t.folded[lang].keys.get((part,), ())
        stems = _stems(part, lang)
        # A stem shorter than a part is as much chance: Estonian stems "lation" (of
        # "manipulation") to "lati", Latvia.
        if lang in t.stemmed and len("".join(stems)) >= COMPOUND_PART:
            found += t.stemmed[lang].keys.get(stems, ())
    return tuple(dict.fromkeys(found))


def _term_concepts(words: Key) -> tuple[str, ...]:
    if not _usable(words):
        return ()
    t = tables()
    found = list(t.any_folded.keys.get(words, ()))
    if found:
        # A term as written names its concepts: a stem of another language must not add a
        # false friend's (Polish and Swedish "program" is no Lithuanian "programėlė", an app).
        return tuple(found)
    text = " ".join(words)
    for lang, table in t.stemmed.items():
        stems = _stems(text, lang)
        if len(stems) == len(words):
            for concept_id in table.keys.get(stems, ()):
                if concept_id not in found and _name_holds(words, stems, concept_id, lang):
                    found.append(concept_id)
    for lang in t.lemma_starts.get(words[0], ()):
        for concept_id in t.lemmas[lang].keys.get(lemmatize(words, lang), ()):
            if concept_id not in found:
                found.append(concept_id)
    if len(found) > 1 and len(words) == 1:
        # Stems of several languages name several concepts: those with a term the word is a
        # form of ("programy", "program") name it, not a longer word of another language
        # that stems alike ("programėlė", an app).
        close = _forms_concepts(words[0])
        if any(c in close for c in found):
            found = [c for c in found if c in close]
    return tuple(found)


# A country's name whose stem is shorter than MIN_NAME_STEM matches by its stem only a word
# that begins with the name: Estonian stems "Kanada" and German "Kanal" both to "kana"; "Lätis"
# (in Latvia) stays. (A language's name as short is matched as written: language_concepts.)
def _name_holds(words: Key, stems: Key, concept_id: str, lang: str) -> bool:
    """Whether `words`, whose stems in `lang` are a key of `concept_id`, name it."""
    if len(stems) != 1 or len(stems[0]) >= MIN_NAME_STEM:
        return True
    concept = load_concepts().by_id.get(concept_id)
    if concept is None or concept.group != PLACE_GROUP:
        return True
    return any(words[0].startswith(fold(term)) for term in concept.terms.get(lang, ()))


def _forms_concepts(word: str) -> set[str]:
    """The concepts with a one-word term that `word` is a form of (same_word)."""
    return {
        concept
        for key, ids in _by_start().get(word[:INFLECTION_STEM], ())
        if len(key) == 1 and same_word(word, key[0])
        for concept in ids
    }


# A typed word in a language without a stemmer here (Czech "vězeňských", Finnish "väkivaltaa",
# Hungarian "bűnelkövetőknek") matches a term's word that begins like it and differs only in
# its ending: at least INFLECTION_STEM letters in common, then at most INFLECTION_TERM_END
# letters left in the term's word and INFLECTION_WORD_END in the typed one, its ending being
# at most INFLECTION_END_SHARE of the typed word (Czech "Parafilik" is not a form of Polish
# "parafia", nor Polish "internecie" of "internat").
INFLECTION_STEM = 6
INFLECTION_TERM_END = 3
INFLECTION_WORD_END = 4
INFLECTION_END_SHARE = 0.3


def _common_prefix(a: str, b: str) -> int:
    """How many letters two words begin with in common."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _same_word(typed: str, term: str) -> bool:
    if typed == term:
        return True
    if len(typed) < INFLECTION_STEM or len(term) < INFLECTION_STEM:
        return False
    common = _common_prefix(typed, term)
    return (
        common >= INFLECTION_STEM
        and len(typed) - common <= INFLECTION_END_SHARE * len(typed)
        and len(term) - common <= INFLECTION_TERM_END
        and len(typed) - common <= INFLECTION_WORD_END
    )


@lru_cache(maxsize=1)
def _by_start() -> dict[str, list[tuple[Key, tuple[str, ...]]]]:
    """Every term (folded, any language) by the first letters of its first word, but those
    matched only as written."""
    as_written = {
        (tuple(tokenize(term)), concept.id)
        for concept in load_concepts().concepts
        for terms in concept.unstemmed.values()
        for term in terms
    }
    out: dict[str, list[tuple[Key, tuple[str, ...]]]] = {}
    for key, ids in tables().any_folded.keys.items():
        # Not the terms matched only as written: "universal" is no form of "university".
        ids = tuple(i for i in ids if (key, i) not in as_written)
        if ids:
            out.setdefault(key[0][:INFLECTION_STEM], []).append((key, ids))
    return out


def _inflected(words: Key) -> tuple[str, ...]:
    """Concepts with a term whose words are other forms of these words, word by word; for a
    common word of some languages, a term of one of those: Swedish "politisk" (political) is
    no form of Danish "politi" (police), nor "nederlag" (defeat) of "Nederland"."""
    found: list[str] = []
    languages = _common_in(words)
    for key, ids in _by_start().get(words[0][:INFLECTION_STEM], ()):
        if len(key) == len(words) and all(map(_same_word, words, key)):
            if languages and not languages & _term_languages().get(key, frozenset()):
                continue
            found.extend(i for i in ids if i not in found)
    return tuple(found)


def _common_in(words: Key) -> frozenset[str]:
    """The languages with a list that all of these words are common words of."""
    if not words:
        return frozenset()
    return frozenset(
        lang for lang in list_languages() if all(w in common_words(lang) for w in words)
    )


@lru_cache(maxsize=1)
def _term_languages() -> dict[Key, frozenset[str]]:
    """Folded term -> the languages it is a term of."""
    return _languages_of_terms(load_concepts().concepts)


def _languages_of_terms(concepts: Iterable[Concept]) -> dict[Key, frozenset[str]]:
    out: dict[Key, set[str]] = {}
    for concept in concepts:
        for lang, terms in concept.terms.items():
            for term in terms:
                out.setdefault(tuple(tokenize(term)), set()).add(lang)
    return {key: frozenset(langs) for key, langs in out.items()}


def foreign_languages(words: Key) -> tuple[str, ...]:
    """The stemmed languages of the vocabulary in which these typed words, a whole term of the
    field in other languages only, are some other word: a document in one of them holds the
    letters, not the term, unless it is tagged with the term's concept ("Kita", German for
    day-care, is Lithuanian for "other"). A document's concepts are looked for in its own
    language's terms, so a language without terms is left out.

    None for a term of English (looked for in every document, and everyone's loanword) and for
    the name of a place or a language (a text names one without being tagged with it).
    """
    languages = _field_term_languages().get(words)
    if not languages or ALWAYS in languages:
        return ()
    own = load_concepts().languages
    return tuple(lang for lang in STEMMED_LANGUAGES if lang in own and lang not in languages)


def without_false_places(
    concepts: tuple[str, ...], words: Key, others: Sequence[str]
) -> tuple[str, ...]:
    """`concepts` without the places and languages that one typed word names only in other
    languages than the query's, where it is a word of its own: "island" in "abuse prevention
    on a small island" (Iceland in Danish, German, Swedish), "Roman" (Hungarian for Romanian).
    The query must hold more common words of a language where the word is a word of its own
    than of any where it names the place: "Kinderschutz in Island" may be German, and a word
    alone may be in any language."""
    if len(words) != 1:
        return concepts
    word = words[0]
    named_in = _place_term_languages().get(words)
    if not named_in:
        return concepts
    rest = [t for t in others if t != word]

    def held(lang: str) -> int:
        return sum(1 for t in rest if t in common_words(lang))

    own = max((held(lang) for lang in list_languages() if word in common_words(lang)), default=0)
    if own == 0 or own <= max((held(lang) for lang in named_in), default=0):
        return concepts
    by_id = load_concepts().by_id
    return tuple(c for c in concepts if by_id[c].group not in (PLACE_GROUP, LANGUAGE_GROUP))


@lru_cache(maxsize=1)
def _place_term_languages() -> dict[Key, frozenset[str]]:
    """Folded name of a place or a language -> the languages it is that name in."""
    return _languages_of_terms(
        c for c in load_concepts().concepts if c.group in (PLACE_GROUP, LANGUAGE_GROUP)
    )


@lru_cache(maxsize=1)
def _field_term_languages() -> dict[Key, frozenset[str]]:
    """Folded term of the field (not a place's or a language's name) -> its languages."""
    return _languages_of_terms(
        c for c in load_concepts().concepts if c.group not in (PLACE_GROUP, LANGUAGE_GROUP)
    )


@lru_cache(maxsize=1)
def _known_words() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """The folded words of every term and phrasing, and per stemmed language their stems."""
    words: set[str] = set(query_stopwords())
    stems: dict[str, set[str]] = {}
    for concept in load_concepts().concepts:
        for lang, texts in (*concept.terms.items(), *concept.phrases.items()):
            for text in texts:
                words.update(tokenize(text))
                if lang in STEMMED_LANGUAGES:
                    stems.setdefault(lang, set()).update(
                        s for s in analyze(text, lang) if len(s) >= MIN_STEM
                    )
    return frozenset(words), {lang: frozenset(found) for lang, found in stems.items()}


@lru_cache(maxsize=1)
def _term_words() -> tuple[frozenset[str], dict[str, dict[str, frozenset[str]]]]:
    """The folded content words of every term (not phrasings, not function words, not the
    parts before a hyphen: _hyphen_prefixes), and per stemmed language each stem with the
    words it comes from."""
    left_out = query_stopwords() | _hyphen_prefixes()
    stems: dict[str, dict[str, set[str]]] = {}
    for concept in load_concepts().concepts:
        for lang, texts in concept.terms.items():
            for text in texts:
                content = [w for w in tokenize(text) if w not in left_out]
                if lang not in STEMMED_LANGUAGES:
                    continue
                by_stem = stems.setdefault(lang, {})
                for word in content:
                    for stem in analyze(word, lang):
                        if len(stem) >= MIN_STEM:
                            by_stem.setdefault(stem, set()).add(word)
    frozen = {
        lang: {stem: frozenset(found) for stem, found in by_stem.items()}
        for lang, by_stem in stems.items()
    }
    return frozenset(w for w in _word_languages() if w not in left_out), frozen


@lru_cache(maxsize=1)
def _hyphen_prefixes() -> frozenset[str]:
    """The folded words that terms hold only before a hyphen, never alone nor last ("auto" of
    Italian "auto-aiuto", "cross" of "cross-sectional"): a part of a compound, no word of the
    field by itself ("sicurezza dei bambini in auto" asks of cars)."""
    before: set[str] = set()
    elsewhere: set[str] = set()
    for concept in load_concepts().concepts:
        for texts in concept.terms.values():
            for text in texts:
                for chunk in text.split():
                    *heads, last = chunk.split("-")
                    before.update(w for head in heads for w in tokenize(head))
                    elsewhere.update(tokenize(last))
    return frozenset(before - elsewhere)


@lru_cache(maxsize=1)
def _term_spellings() -> dict[str, str]:
    """Each folded word of the terms, as the vocabulary writes it (lower-case, accents kept),
    where it writes it one way only."""
    spellings: dict[str, set[str]] = {}
    for concept in load_concepts().concepts:
        for texts in concept.terms.values():
            for text in texts:
                for word in split_words(text.lower()):
                    spellings.setdefault(fold(word), set()).add(word)
    return {key: next(iter(words)) for key, words in spellings.items() if len(words) == 1}


def term_spelling(word: str) -> str | None:
    """How the vocabulary writes a folded term word ("obtazovanie": "obťažovanie"), if one way."""
    return _term_spellings().get(word)


@lru_cache(maxsize=1)
def _word_concepts() -> dict[str, tuple[str, ...]]:
    """Each folded content word of a term (any language) with the concepts of its terms."""
    stop = query_stopwords()
    out: dict[str, set[str]] = {}
    for concept in load_concepts().concepts:
        for terms in concept.terms.values():
            for word in (w for term in terms for w in tokenize(term) if w not in stop):
                out.setdefault(word, set()).add(concept.id)
    return {word: tuple(sorted(ids)) for word, ids in out.items()}


def term_word_concepts(token: str) -> tuple[str, ...]:
    """The concepts with a term holding this folded word as written ("violences": sexual
    violence, child maltreatment, …)."""
    return _word_concepts().get(token, ())


@lru_cache(maxsize=4096)
def is_term_word(token: str, text: str, languages: tuple[str, ...] = STEMMED_LANGUAGES) -> bool:
    """Whether a typed word (`token` folded, `text` as typed) is a word of one of the field's
    terms in some language, or another form of one in one of `languages` ("bezpieczeństwa",
    "lekcje"): a word of the field, even where no document holds this form of it. A form has
    the term word's stem and differs only in its ending ("animal" is no form of "animated",
    though both stem to "anim")."""
    words, stems = _term_words()
    if token in words:
        return True
    for lang in languages:
        by_stem = stems.get(lang, {})
        found = analyze(text, lang)
        if len(found) == 1 and any(same_word(token, w) for w in by_stem.get(found[0], ())):
            return True
    return False


# Two words alike but for their last FORM_ENDING letters, of MIN_FORM or more, are one word's
# forms.
FORM_ENDING = 2
MIN_FORM = 4


def same_word(a: str, b: str) -> bool:
    """Whether two folded words are forms of one word: alike but for their last two letters at
    most ("lekcje", "lekcja"; not "animal", "animated", whatever a stemmer says)."""
    if min(len(a), len(b)) < MIN_FORM:
        return False
    common = _common_prefix(a, b)
    return common >= max(len(a), len(b)) - FORM_ENDING


@lru_cache(maxsize=4096)
def is_known_word(token: str, text: str) -> bool:
    """Whether a typed word (`token` folded, `text` as typed) is a word of the vocabulary in
    some language: a term's or phrasing's word, a form with a term word's stem (where a
    stemmer knows the language), or a function word. Such a word is spelt right even when no
    document holds it ("protezione", "skolen"): a spelling correction must not turn it into a
    frequent neighbour of another language."""
    words, stems = _known_words()
    # Not other forms of a term's word: "sextoring" is a typo, not a form of "sextorze".
    if token in words or _term_concepts((token,)):
        return True
    for lang, known in stems.items():
        found = analyze(text, lang)
        if len(found) == 1 and found[0] in known:
            return True
    return False


# Words this long or longer are looked for among the term words' near misses.
MIN_NEAR = 5


def _deletes(word: str) -> set[str]:
    """The word and each way of dropping one of its letters."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _by_deletes(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The words of MIN_NEAR letters or more by each way of dropping one of their letters (and
    by themselves)."""
    keys: dict[str, set[str]] = {}
    for word in words:
        if len(word) >= MIN_NEAR:
            for key in _deletes(word):
                keys.setdefault(key, set()).add(word)
    return {key: tuple(sorted(words)) for key, words in keys.items()}


@lru_cache(maxsize=1)
def _near_keys() -> dict[str, tuple[str, ...]]:
    return _by_deletes(_term_words()[0])


@lru_cache(maxsize=1)
def _near_phrasing_keys() -> dict[str, tuple[str, ...]]:
    """The words of the everyday phrasings that no term holds (nor function words)."""
    terms, stop = _term_words()[0], query_stopwords()
    return _by_deletes(w for w in _known_words()[0] if w not in terms and w not in stop)


def _near(token: str, keys: dict[str, tuple[str, ...]]) -> list[str]:
    """The words of `keys` one edit from `token`. Two words with a letter dropped from each meet
    when they are one such edit apart, or two (checked, and left out)."""
    if len(token) < MIN_NEAR:
        return []
    found = {w for k in _deletes(token) for w in keys.get(k, ()) if w != token}
    return sorted(w for w in found if edit_distance(token, w, 1) == 1)


def near_term_words(token: str) -> list[str]:
    """The term words of any language one edit from a folded word (a letter dropped, added,
    changed, or two swapped: "sextorsuone" -> "sextorsione")."""
    return _near(token, _near_keys())


def near_phrasing_words(token: str) -> list[str]:
    """The words of everyday phrasings (not of terms) one edit from a folded word ("grooemd"
    -> "groomed", Estonian "ähvadratakse" -> "ähvardatakse")."""
    return _near(token, _near_phrasing_keys())


def near_term_word(token: str) -> bool:
    """Whether a folded word is one edit from a term word of some language ("przełsuchanie",
    "proteione"): a misspelling of a word of the field more likely than a word of another
    topic."""
    return bool(near_term_words(token))


@lru_cache(maxsize=2)
def _word_languages(phrasings: bool = False) -> dict[str, frozenset[str]]:
    """Each folded content word of a term (and of an everyday phrasing), with the languages
    whose terms (or phrasings) hold it."""
    stop = query_stopwords()
    found: dict[str, set[str]] = {}
    for concept in load_concepts().concepts:
        texts = (*concept.terms.items(), *(concept.phrases.items() if phrasings else ()))
        for lang, written in texts:
            for text in written:
                for word in tokenize(text):
                    if word not in stop:
                        found.setdefault(word, set()).add(lang)
    return {word: frozenset(languages) for word, languages in found.items()}


@lru_cache(maxsize=1)
def _short_dropped() -> dict[str, frozenset[str]]:
    """Each term word shorter than MIN_NEAR letters (and one letter longer) with one of its
    letters dropped, with the languages of the words it comes from."""
    found: dict[str, set[str]] = {}
    for word, languages in _word_languages().items():
        if len(word) <= MIN_NEAR:
            for dropped in _deletes(word) - {word}:
                found.setdefault(dropped, set()).update(languages)
    return {dropped: frozenset(languages) for dropped, languages in found.items()}


def short_field_miss(token: str, languages: Sequence[str] = ()) -> bool:
    """Whether a short folded word is a term word with a letter dropped or one added ("ris"
    for "risk"), or a word of a term or phrasing with two letters swapped ("loev" for
    "love"). Changed letters are left out, and the many short everyday words of phrasings
    from all but swaps: one of three letters changed, added or dropped reaches words of every
    language ("lus", Danish lice, is one from Estonian "uus", from "plus"). Given the
    `languages` the query is likely written in, a letter dropped or added counts only from a
    term word of one of them: English "lice" is no Romanian "liceu" (secondary school)
    misspelt. Swapped letters are a slip of the hand in any language ("VIAT" for "VITA")."""
    none: frozenset[str] = frozenset()
    of_query = (lambda found: bool(found & set(languages))) if languages else bool
    swapped = (token[:i] + token[i + 1] + token[i] + token[i + 2 :] for i in range(len(token) - 1))
    terms, content = _word_languages(), _word_languages(phrasings=True)
    return (
        of_query(_short_dropped().get(token, none))
        or any(of_query(terms.get(d, none)) for d in _deletes(token) if d != token)
        or any(s in content for s in swapped if s != token)
    )


def longest_term() -> int:
    return tables().any_folded.longest


@lru_cache(maxsize=65536)  # a query's words, once per language each
def _content(text: str, lang: str) -> Key:
    """The content words of `text` in `lang`: stems of their lemmas (or the lemmas, or folded
    words), the language's function words out (another language's are words here: "son" is
    French for "his", English for a son).
    """
    stop = stopwords(lang)
    # As lemmas first: "väkivaltaa" and "väkivallan" are one word, and a language without a
    # stemmer here (Latvian, Croatian, Slovenian, Bulgarian) has no other way to join forms.
    words = lemmatize([w for w in tokenize(text) if w not in stop], lang)
    if lang in STEMMED_LANGUAGES:
        return tuple(s for w in words for s in analyze(w, lang))
    return words


@dataclass(frozen=True)
class PhrasePool:
    """A language's everyday phrasings, pooled per concept: the content words of all of a
    concept's phrasings together, and each word's weight, its idf over the concepts (a word in
    the phrasings of many concepts, "child", says little)."""

    weight: dict[str, float]  # content word -> idf over the concepts with phrasings
    unknown: float  # the weight of a word that no phrasing of the language holds
    words: dict[str, frozenset[str]]  # concept id -> the content words of its phrasings
    phrasings: dict[str, tuple[frozenset[str], ...]]  # concept id -> each phrasing's words
    concepts: dict[str, tuple[str, ...]]  # content word -> the concepts whose phrasings hold it

    def telling(self, have: frozenset[str]) -> bool:
        """Whether these words of a concept's phrasings are evidence of it: PHRASE_MIN_WORDS
        of them, and when no more than that, one that few concepts' phrasings hold ("says" and
        "abused" are in a phrasing of theatre, as in many others')."""
        if len(have) < PHRASE_MIN_WORDS:
            return False
        return len(have) > PHRASE_MIN_WORDS or any(
            len(self.concepts[w]) <= PHRASE_TELLING for w in have
        )

    def weigh(self, words: Iterable[str]) -> float:
        return sum(self.weight.get(w, self.unknown) for w in words)

    def rank(self, concept_id: str, have: frozenset[str]) -> tuple[float, float, str]:
        """How well a concept's phrasings cover the query words `have`: their weight, then
        (between concepts covering as much) the weight that one of its phrasings holds alone
        ("my son touches other kids" is one phrasing of harmful sexual behaviour, and words of
        several of peer-on-peer abuse's)."""
        together = max(self.weigh(have & p) for p in self.phrasings[concept_id])
        # Rounded: the same words summed in another order must tie, not differ in the last bit.
        return (round(self.weigh(have), 6), round(together, 6), concept_id)


@lru_cache(maxsize=1)
def _phrase_pools() -> dict[str, PhrasePool]:
    words: dict[str, dict[str, set[str]]] = {}  # language -> concept id -> content words
    each: dict[str, dict[str, list[frozenset[str]]]] = {}  # language -> concept id -> phrasings
    for concept in load_concepts().concepts:
        for lang, phrases in concept.phrases.items():
            pool = words.setdefault(lang, {}).setdefault(concept.id, set())
            for phrase in phrases:
                content = frozenset(_content(phrase, lang))
                pool.update(content)
                each.setdefault(lang, {}).setdefault(concept.id, []).append(content)
    pools = {}
    for lang, per_concept in words.items():
        concepts: dict[str, list[str]] = {}
        for concept_id, found in per_concept.items():
            for word in found:
                concepts.setdefault(word, []).append(concept_id)
        n = len(per_concept)
        pools[lang] = PhrasePool(
            weight={word: math.log(n / len(ids)) + WEIGHT_FLOOR for word, ids in concepts.items()},
            unknown=math.log(n / UNKNOWN_SHARE) + WEIGHT_FLOOR,
            words={c: frozenset(found) for c, found in per_concept.items()},
            phrasings={c: tuple(found) for c, found in each[lang].items()},
            concepts={word: tuple(ids) for word, ids in concepts.items()},
        )
    return pools


def phrasing_holds(words: Sequence[str]) -> int:
    """The most of these typed words that one everyday phrasing holds, in any language: a
    query matches a concept's phrasings pooled, so its words may each come from another
    ("Schulweg" of one of exhibitionism's, "Kinder" of the others)."""
    best = 0
    for lang, pool in _phrase_pools().items():
        keys = [k for k in (frozenset(_content(w, lang)) for w in words) if k]
        concepts = {c for k in keys for key in k for c in pool.concepts.get(key, ())}
        for concept_id in concepts:
            for phrasing in pool.phrasings[concept_id]:
                best = max(best, sum(1 for k in keys if k & phrasing))
    return best


def _field_words(words: Sequence[str]) -> tuple[set[int], set[int], set[str]]:
    """Which of the typed words name a concept of the field: (those in a run of several words
    that is a term, those that are a term on their own, the concepts those runs name)."""
    tokens = [(i, t) for i, w in enumerate(words) for t in tokenize(w)]
    in_runs: set[int] = set()
    single: set[int] = set()
    named: set[str] = set()
    longest = longest_term()
    start = 0
    while start < len(tokens):
        for n in range(min(longest, len(tokens) - start), 0, -1):
            run = tokens[start : start + n]
            concepts = term_concepts(tuple(t for _i, t in run))
            if concepts:
                (in_runs if n > 1 else single).update(i for i, _t in run)
                if n > 1:
                    named.update(concepts)
                start += n
                break
        else:
            start += 1
    return in_runs, single - in_runs, named


def _field_wide(word: str) -> bool:
    """Whether a typed word names only what every measure of the field is about ("prevenção"):
    no evidence of which concept's phrasings a query reads like."""
    return field_wide(term_concepts(tuple(tokenize(word))))


def phrase_concepts(words: Sequence[str]) -> list[tuple[str, tuple[str, ...]]]:
    """(concept id, the query words that matched) for each concept whose everyday phrasings the
    query reads like, best first.

    `words` are the query's words as typed. In each language, the query's content words are
    looked up among the words of all of a concept's phrasings together, each weighted by its
    idf (PhrasePool). The concept covering most of the query's weight is taken, then the one
    covering most of the rest, and so on while each adds at least PHRASE_MIN_PART of it with
    PHRASE_MIN_WORDS words of its own, telling ones (PhrasePool.telling): "dad hits mum and the
    kids are left without food" is about domestic violence and about neglect. They match when
    together they cover PHRASE_MIN_COVER of the query's weight. A run of words that is one of
    the field's terms ("child sexual abuse material") is no evidence: its concept is matched
    already; nor is a word naming what every measure is about ("prevenção": FIELD_CONCEPTS),
    though it weighs in the query's total; and a query of the field's terms only is no everyday
    phrasing.
    """
    in_runs, single, named = _field_words(words)
    evidence = [(w, i in single, _field_wide(w)) for i, w in enumerate(words) if i not in in_runs]
    if len(evidence) < PHRASE_MIN_WORDS or all(term for _w, term, _wide in evidence):
        return []
    best: tuple[float, list[tuple[str, tuple[str, ...]]]] = (0.0, [])
    for lang, pool in _phrase_pools().items():
        # Field-wide words weigh in the query's total, but match no phrasing.
        typed = [(typed_word(w), frozenset(_content(w, lang)), wide) for w, _t, wide in evidence]
        total = pool.weigh(frozenset(k for _w, keys, _wide in typed for k in keys))
        content = frozenset(k for _w, keys, wide in typed if not wide for k in keys)
        if len(content) < PHRASE_MIN_WORDS:
            continue
        # A concept a run of typed words names is matched already ("phone line": helpline):
        # as a phrasing it would only take the words of another ("sexual thoughts about
        # kids"). A one-word term is weaker evidence, which its phrasings may confirm.
        found = {
            c: content & pool.words[c]
            for k in content
            for c in pool.concepts.get(k, ())
            if c not in named
        }
        found = {c: have for c, have in found.items() if len(have) >= PHRASE_MIN_WORDS}
        chosen: list[tuple[str, tuple[str, ...]]] = []
        covered: frozenset[str] = frozenset()
        while found:
            concept_id = max(found, key=lambda c: pool.rank(c, found[c] - covered))
            have = found.pop(concept_id)
            if pool.weigh(have - covered) < PHRASE_MIN_PART * total:
                break
            # Words that are no telling evidence of this concept still count as everyday words
            # for the query's cover.
            if pool.telling(have):
                chosen.append((concept_id, tuple(w for w, keys, _wide in typed if keys & have)))
            covered |= have
        cover = pool.weigh(covered) / total
        if chosen and cover >= PHRASE_MIN_COVER and cover > best[0]:
            best = (cover, chosen)
    return best[1][:PHRASE_MAX_CONCEPTS]


def concept_label(concept_id: str, language: str = "en") -> str:
    """The concept's name in `language` (its first term there), else in English: the API's
    expansions name it in English, the results page in the reader's language."""
    concept = load_concepts().by_id.get(concept_id)
    if concept is None:
        return concept_id
    named = concept.terms.get(language) or concept.terms.get("en")
    return (named or next(iter(concept.terms.values()), (concept_id,)))[0]


def concept_terms(concept_id: str, matched: str) -> tuple[str, ...]:
    """The concept's terms in every language, but the one typed, each once (accents ignored):
    what an expansion finds besides the typed words."""
    seen = {tuple(tokenize(matched))}
    out = []
    for term in load_concepts().terms_of(concept_id):
        key = tuple(tokenize(term))
        if key not in seen:
            seen.add(key)
            out.append(term)
    return tuple(out)


def reader_first(concept_id: str, terms: Sequence[str], language: str) -> list[str]:
    """An expansion's terms with the concept's terms in the reader's language first, then in
    English, then the others as they were: a German reader sees "sexuelle Erpressung" before
    Bulgarian "сексуално изнудване"."""
    concept = load_concepts().by_id.get(concept_id)
    if concept is None:
        return list(terms)
    own, english = set(concept.terms.get(language, ())), set(concept.terms.get("en", ()))
    return sorted(terms, key=lambda term: (term not in own, term not in english))


# What warm() builds: 3 to 8 s of work on first use, longer than a search's time budget.
VOCABULARY_CACHES = (
    tables, places, _by_start, _known_words, _term_words, _term_spellings, _near_keys,
    _near_phrasing_keys, _phrase_pools, _acronym_pattern, _term_languages,
    _field_term_languages, _place_term_languages, _word_concepts,
)  # fmt: skip


def warm() -> None:
    """Build every lookup table of the vocabulary now, if not built yet. Serving processes do
    so before their first search (gunicorn's master before it forks the workers, which share
    them, app/deploy.py; `flask run` in a thread as it starts); the first search of any other
    process calls this before its time budget starts, so it is not stopped for building them."""
    for build in VOCABULARY_CACHES:
        build()

"""Queries about a topic the repository does not cover ("drowning prevention swimming lessons").

Such a query usually shares a word or two with many measures ("prevention", "lessons"), so a
ranked list would show measures that have nothing to do with what was asked. The search shows
nothing, names the words no measure is about, and offers the partial matches anyway.

A typed part is *missing* when no published measure holds it (in no form, compound or concept,
after spelling correction), or when only one or two do in passing: none names it in its title
or summary, nor in its record as a language it is offered in ("cruelty" in a society's name,
"animal" as a stem of "animated"), unless one of them matches every other part too: the query
then describes that measure ("Childhood-Haus Leipzig", the city named in its description).
A short word in passing is missing only when it is a common word of the query's language
("road" among English words): it is as often a word of another language.
A word of the field's own vocabulary in some language ("bezpieczeństwa", "lekcje") is never
missing either: its measures are there, in other words or forms. But a form of one that no
measure holds, in a language the index stems, is missing: the index would find its forms
("incidenti", accidents, is no form of "incidenza" any measure holds); and so is a term
whose concept no measure is tagged with ("school dropout prevention"). Nor is a word that
joins the word before or after it into a term, a compound written apart ("Kinderschutz
Konzept"), nor one naming only whom or where, however few measures name it ("summer camps"
in "child protection in summer camps for teenagers").

The query is off topic when it has at least as many missing parts as found ones, and more
missing parts than *specific* found ones (those in at most GENERIC_SHARE of the measures, and
of the measures written in any one language: "éducation" is in most French ones): its
own words, not the field's common ones (prevention, children, reporting), say what it is about.
A word of the field's terms that names no concept alone ("safety" of "body safety", Polish
"ochrona", protection, of "ochrona dzieci") is no specific one: on the demo data's 96
measures, "safety" and "education" are in too few to count as common, yet "road safety
education" is about roads.
Nor is a found part naming a concept that a missing word, typed right before it in an English
query, says what it is of: a campaign, a screening, a risk management of something no measure
is about ("handwashing campaign", "vision screening", "flood risk management"), or that abuse
of something else does ("substance abuse treatment"); other languages join such words or put
the modifier after. Nor is the protection or safety of children, what every measure is for,
unless the query also says whom or where ("veiligheid van kinderen in het verkeer", children's
safety in traffic, is about traffic; "barnskydd säker idrott" asks the field's question of
sport). Neither holds when a missing word may be a misspelt word of the field that the speller
left ("protezione dei minori nello soprt").
It is off topic too when no found part says what it is about: each is one of the field's common
words, found only in passing, such a word of its terms, names only whom or where (a target
group, setting or profession: "Hitzeschutz für Kinder in Kitas") or only what every measure is
about (prevention, evaluation, …, however few measures of a small collection name it), unless
a missing word may be a misspelt word of the field (no common word of the query's language
nor a function word of any, and one edit from a term word; a short one a letter short of a
term word of the query's language or over it, or with two letters swapped), which the speller
left: "przełsuchanie dzieci policja" is a typo, not another topic, but Danish "lus" (lice) is
a word, though one letter from Estonian "uus", and English "lice" one from Romanian "liceu".
A query that names abuse or a form of it (the field's subject: "seksuaalisen väkivallan"; or a
word most of whose terms do: French "violences") or an everyday phrasing of a concept is never
off topic, whatever else it holds; nor is a question whose unknown verbs are fewer than its
found words ("Missbrauch vermutet Eltern"). Abuse itself, not a form of it, written as the
noun ("abuse", not the verb's "abused": "a coach abused my daughter"), is abuse of something
else after a missing word ("elder abuse") or before one it is joined to by a function word
("abuso di sostanze", "abus d'alcool", not "Missbrauch vermutet"): one of the field's common
words then, not its subject. So is a compound joining abuse to a word that names nothing of
the field, which no measure holds as written ("Drogenmissbrauch", "alkoholmissbruk"): a
missing part, as "drug abuse" has one; and so is such a compound of prevention, or another
word of what every measure is about ("Suchtprävention", addiction prevention).
A word right before abuse itself that names nothing of the field and that one or two measures
hold, even in their summaries, is what is abused, and missing: "substance abuse" (a summary
names "substance use" as a risk). An everyday phrasing holding a word of abuse of something
else keeps no query on topic: "drug … teenagers" reads like exploitation, but "drug abuse
prevention for teenagers" is about drugs. Nor does one made only of weak words (found in
passing, in most measures, or naming only whom or where: "forced … girls" in "forced marriage
of girls") beside a missing word it does not hold: "lead … children" reads like forensic
interviews ("leading questions"), but "lead poisoning in children" is about
poisoning. A phrasing holding a word no measure holds is what phrasings are for ("people who
love kids too much"; Finnish "lapseni on joutunut … kohteeksi", my child has become the target
of, whatever the other words), unless that is its only word besides weak ones, no word of the
field's terms, and no one phrasing holds two of its words: "Schulweg … Kinder" matches
exhibitionism's phrasings only pooled, and "Verkehrserziehung Schulweg für Kinder" is about
road safety.

bench/off_topic_probe.py measures the rule on topics beyond the judged set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from app.search.analysis import (
    LIGHT_LANGUAGES,
    STEMMED_LANGUAGES,
    fold,
    query_stopwords,
    split_words,
    tokenize,
    typed_word,
    word_spans,
)
from app.search.common_words import ALWAYS, is_common_word, query_languages
from app.search.concept_match import (
    MIN_NEAR,
    PHRASE_MIN_WORDS,
    compound_modifier,
    is_term_word,
    joined_concepts,
    near_term_word,
    phrasing_holds,
    same_word,
    short_field_miss,
    term_word_concepts,
)
from app.search.concepts import (
    BARE_ABUSE,
    FIELD_CONCEPTS,
    LANGUAGE_GROUP,
    field_wide,
    load_concepts,
)
from app.search.query import Concepts, Node, ParsedText, node_concepts

# Tuned with bench/search_quality.py (tuning half only).
GENERIC_SHARE = 0.4
# Below this many published measures, that none holds a word says little about the topic.
MIN_MEASURES = 20
# A word held by at most this many measures, none naming it in title or summary, is missing.
PASSING_MEASURES = 2
# Shorter words found in passing are not missing (function words of some language).
MIN_PASSING_LETTERS = 5
# A typed word at least this long also names the longer words it begins ("Kinderschutz…").
MIN_PREFIX = 6
# Concept groups that are the field's subject: naming one keeps a query on topic.
SUBJECT_GROUPS = frozenset({"abuse_form"})
# Abuse itself ("Missbrauch", "abus"), and the people the field's prevention is for who are
# at risk of abusing: concepts of the target group, but the subject, not just who.
SUBJECT_CONCEPTS = frozenset(
    {
        "abuse",
        "sexual_interest_in_children",
        "people_who_offended",
        "young_people_harmful_behaviour",
    }
)
# A word naming no concept names the field's subject when the terms holding it are of at least
# this many concepts of abuse or its forms, and of more of those than of others ("violences";
# not "photos", of one term).
MIN_SUBJECT_TERMS = 2
# What every measure is for, in the field's words: the safety or protection of children
# ("veiligheid van kinderen in het verkeer", children's safety in traffic; "ochrona dzieci
# przed upałem", protecting children from heat).
PURPOSE_CONCEPTS = FIELD_CONCEPTS | {"child_protection", "safeguarding"}
# Concept groups that say who or where, not what: a query found only through them is not about
# anything the repository covers ("Hitzeschutz für Kinder in Kitas").
FRAMING_GROUPS = frozenset({"target_group", "setting", "profession"})


@dataclass(frozen=True)
class QueryPart:
    """One top-level part of a query as the verdict sees it."""

    text: str  # as typed
    measures: int  # published measures it matches
    # Whether one of them names it in its title or summary (or its record, as a language).
    named: bool = True
    concepts: tuple[str, ...] = ()  # the field's concepts it names
    # The largest share of the measures written in one language (of those with at least
    # MIN_MEASURES) that it matches: "éducation" is in most French measures, as "education" is
    # in most of all measures.
    language_share: float = 0.0
    with_rest: bool = False  # whether one of them matches every other part of the query
    # A compound naming abuse, or what every measure is about, of something no word of the
    # field names ("Drogenmissbrauch", "Suchtprävention"), as "drug abuse" does in two words.
    of_other: bool = False

    def generic(self, measures: int) -> bool:
        """Whether it is in so many measures, or of its language's, that it says no topic.
        A part naming concepts finds measures in every language through them, so only its
        share of all counts."""
        share = self.measures / measures
        return max(share, 0.0 if self.concepts else self.language_share) > GENERIC_SHARE

    @property
    def missing(self) -> bool:
        if self.of_other:
            return True
        if self.measures == 0:
            # Naming a concept, it finds no measure tagged with it either: none is about it.
            return bool(self.concepts) or not _field_word(self.text, LIGHT_LANGUAGES)
        return self.in_passing and len(typed_word(self.text)) >= MIN_PASSING_LETTERS

    @property
    def in_passing(self) -> bool:
        """Whether it is mentioned only (`mentioned`) and no word of the field's vocabulary."""
        return self.mentioned and not _field_word(self.text, STEMMED_LANGUAGES)

    @property
    def mentioned(self) -> bool:
        """Whether only one or two measures hold it, none naming it in its title or summary
        nor matching the rest of the query."""
        return needs_naming(self.measures) and not self.named and not self.with_rest


def language_share(counts: Iterable[tuple[int, int]]) -> float:
    """The largest share of one language's measures that a part matches, from (measures it
    matches, measures) per text language; languages of fewer than MIN_MEASURES say little."""
    return max((found / size for found, size in counts if size >= MIN_MEASURES), default=0.0)


def phrasings(parsed: ParsedText) -> tuple[str, ...]:
    """The typed words of each everyday phrasing of one of the field's concepts that the
    query holds."""
    return tuple(
        n.matched for n in parsed.root.must + parsed.root.should if isinstance(n, Concepts)
    )


def needs_naming(measures: int) -> bool:
    """Whether a part in this many measures is looked for in their titles and summaries."""
    return 0 < measures <= PASSING_MEASURES


def query_part(
    text: str,
    node: Node,
    measures: int,
    summaries: Callable[[], Iterable[tuple[str, str]]],
    language_share: float = 0.0,
    with_rest: Callable[[], bool] = lambda: False,
    literal: Callable[[str], int] = lambda _token: 0,
) -> QueryPart:
    """A top-level part (`text` as typed, its `node`, the published measures it matches, the
    largest share of one language's it matches) as the verdict sees it; `summaries` reads
    those measures' (title, summary) and `with_rest` says whether one of them matches every
    other part, each called only when the part is in so few that it matters."""
    concepts = node_concepts(node)
    # A language a measure is offered in is named by its record, not in passing.
    named = (
        not needs_naming(measures)
        or any(_group(c) == LANGUAGE_GROUP for c in concepts)
        or any(names(t, s, text) for t, s in summaries())
    )
    rest = not named and with_rest()
    other = _of_other(text, concepts, literal)
    return QueryPart(text, measures, named, concepts, language_share, rest, other)


def _of_other(text: str, concepts: Sequence[str], literal: Callable[[str], int]) -> bool:
    """Whether a part is a compound that names abuse itself or only what every measure is about
    through its head, joined to a word naming nothing of the field, and that no measure holds
    as typed ("Drogenmissbrauch", "alkoholmissbruk", "Suchtprävention"): abuse or prevention
    of something else, as "drug abuse" is where no measure holds "drug". "Kindesmissbrauch"
    names children: the field's subject. `literal` counts the measures holding a folded word
    as written."""
    if set(concepts) != {BARE_ABUSE} and not field_wide(concepts):
        return False
    tokens = tuple(tokenize(typed_word(text)))
    modifier = compound_modifier(tokens)
    return bool(modifier) and not is_term_word(modifier, modifier) and not literal(tokens[0])


def names(title: str, summary: str, text: str) -> bool:
    """Whether a measure's title or summary names the typed part `text`: each of its words, as
    written, as the start of a longer word ("Kinderschutz…"), or as another form of it."""
    tokens = set(tokenize(f"{title} {summary}"))
    return all(
        word in tokens
        or any(
            (len(word) >= MIN_PREFIX and t.startswith(word)) or same_word(word, t) for t in tokens
        )
        for word in tokenize(text)
    )


def off_topic_words(
    parts: Sequence[QueryPart], measures: int, phrasings: Sequence[str] = (), text: str = ""
) -> list[str]:
    """The missing parts' words when the query is off topic; else [].

    `parts` are the query's top-level parts, in the order of `text`, the query searched;
    `measures` is how many are published; `phrasings` the typed words of each everyday
    phrasing of one of the field's concepts that the query holds.
    """
    if measures < MIN_MEASURES or len(parts) < 2:
        return []
    typed = [t for p in parts for t in _words(p)]
    joined = _joined(text, parts)
    missing = [
        p
        for i, p in enumerate(parts)
        if (p.missing or _common_in_passing(p, typed) or _abused_in_passing(parts, i, joined))
        and not _joins_neighbour(parts, i)
        # Whom or where, however few measures name it, is no topic of another field: "child
        # protection in summer camps for teenagers" asks the field's question of a setting.
        and not _framing(p)
    ]
    found = [p for p in parts if p.measures and p not in missing]
    other_abuse = _abuse_of_something_else(parts, missing, joined)
    if not missing or not found or any(_subject(p) for p in found if p not in other_abuse):
        return []
    # An everyday phrasing keeps the query on topic, unless it holds a word of abuse of
    # something else ("drug … teenagers" is no phrasing of exploitation in "drug abuse
    # prevention for teenagers"), or is thin beside a missing word it does not hold.
    taken = {t for p in other_abuse + _abused(parts, missing, other_abuse) for t in _words(p)}
    weak = {t for p in parts if p.measures and _weak(p, measures) for t in _words(p)}
    phrased = {t for matched in phrasings for t in tokenize(matched)}
    unphrased = any(not phrased & set(_words(p)) for p in missing)
    for matched in phrasings:
        words = set(tokenize(matched))
        if not taken & words and not (unphrased and _thin(matched, words - weak)):
            return []
    # Found parts whose word before says what they are of, and whether the protection
    # of children counts as no topic (both as the module's docstring says). Only English puts
    # such a word before its noun as a word of its own; neither rule holds beside a word the
    # speller may have left misspelt.
    misspelt = any(_maybe_misspelt(p.text, typed) for p in missing)
    english = ALWAYS in query_languages("", typed)
    adjacent = _adjacent(text, parts) if english and not misspelt else [False] * len(parts)
    modifiers = [p for p in missing if p.measures == 0 and not p.concepts] + other_abuse
    modified = [
        p for i, p in enumerate(parts) if p in found and _modified(parts, i, modifiers, adjacent)
    ]
    framed = any(_framing(p) for p in found)
    common = FIELD_CONCEPTS if framed or misspelt else PURPOSE_CONCEPTS
    specific = [
        p
        for p in found
        if not p.generic(measures)
        and not _field(p, common)
        and not _bare_term_word(p)
        and p not in other_abuse + modified
    ]
    if len(missing) >= len(found) and len(missing) > len(specific):
        return [_shown(p.text) for p in missing]
    # Found only through the field's common words and concepts, those saying who or where, and
    # words in passing, the query is about its missing words, unless one may be a misspelt
    # word of the field ("przełsuchanie").
    about = [p for p in found if p not in other_abuse + modified and _about(p, measures, common)]
    if not about and not misspelt:
        return [_shown(p.text) for p in missing]
    return []


def _modified(
    parts: Sequence[QueryPart], i: int, modifiers: list[QueryPart], adjacent: list[bool]
) -> bool:
    """Whether part `i`, naming a concept, is the head of a noun phrase whose modifier, the
    part typed right before it, is one of `modifiers` (a missing word naming nothing of the
    field that no measure holds, or abuse of something else): a campaign, a screening or a
    treatment of something no measure is about ("handwashing campaign", "substance abuse
    treatment"). A word naming no concept may be a name's ("Tlk PANTS")."""
    return adjacent[i] and bool(parts[i].concepts) and parts[i - 1] in modifiers


def _adjacent(text: str, parts: Sequence[QueryPart]) -> list[bool]:
    """Per part, whether it is typed right after the part before, only spaces between."""
    out: list[bool] = []
    end = -1
    for part in parts:
        start = text.find(part.text, max(end, 0))
        out.append(end >= 0 and start >= 0 and not text[end:start].strip())
        end = start + len(part.text) if start >= 0 else -1
    return out


def _thin(matched: str, strong: set[str]) -> bool:
    """Whether the words of a phrasing the query reads like (`matched`, as typed; `strong`,
    those not weak) are too little of one to tell its topic from that of a missing word
    outside it: all weak ("lead … children" in "lead poisoning in children"); or fewer strong
    ones than a phrasing needs, none a word of the field's terms, and no one phrasing holding
    two of the words. "Schulweg Kinder" (way to school, children) in "Verkehrserziehung
    Schulweg für Kinder" (road safety education) matches exhibitionism's phrasings only
    pooled: "Schulweg" is in one, "Kinder" in others."""
    if not strong:
        return True
    return (
        len(strong) < PHRASE_MIN_WORDS
        and not any(_field_word(word, STEMMED_LANGUAGES) for word in strong)
        and phrasing_holds(matched.split()) < PHRASE_MIN_WORDS
    )


def _weak(part: QueryPart, measures: int) -> bool:
    """Whether a found part is no evidence that a phrasing it is a word of is the query's
    topic: found only in passing (naming no concept), in so many measures that it says no
    topic, or naming only whom or where ("girls" of "forced … girls" in "forced marriage of
    girls"). (A word no measure holds is: everyday words are what phrasings are for.)"""
    return (part.mentioned and not part.concepts) or part.generic(measures) or _framing(part)


def _joins_neighbour(parts: Sequence[QueryPart], i: int) -> bool:
    """Whether part `i` and the one before or after it are a compound of the field written
    apart ("Kinderschutz Konzept": "Kinderschutzkonzept"): no word of another topic."""
    words = [tuple(_words(p)) for p in parts]
    pairs = [(words[i - 1], words[i])] if i > 0 else []
    pairs += [(words[i], words[i + 1])] if i + 1 < len(parts) else []
    return any(joined_concepts(a + b) for a, b in pairs if len(a) == len(b) == 1)


def _shown(text: str) -> str:
    """A missing part's word as the message names it: without the punctuation typed around it,
    nor an elided article ("d'alcool" -> "alcool")."""
    word = typed_word(text)
    return word[_elided(word) :]


def _elided(text: str) -> int:
    """The length of the elided article `text` begins with ("d'" of "d'alcool"), else 0."""
    first = next(word_spans(text), None)
    return first[0] if first is not None and text[:1].isalnum() else 0


def _common_in_passing(part: QueryPart, typed: list[str]) -> bool:
    """Whether a short word found only in passing is a common word of the query's language
    ("road" among English words): a word of the topic, not another language's function word."""
    return part.in_passing and all(is_common_word(t, typed) for t in _words(part))


def _abused(
    parts: Sequence[QueryPart], missing: list[QueryPart], other_abuse: list[QueryPart]
) -> list[QueryPart]:
    """The missing parts beside abuse of something else: what is abused."""
    return [
        p
        for i, p in enumerate(parts)
        if p in missing
        and any(0 <= j < len(parts) and parts[j] in other_abuse for j in (i - 1, i + 1))
    ]


def _words(part: QueryPart) -> list[str]:
    """A part's typed words, folded."""
    return tokenize(typed_word(part.text))


def _abused_in_passing(parts: Sequence[QueryPart], i: int, joined: list[bool]) -> bool:
    """Whether part `i` is what abuse itself is of, right before it ("substance abuse"), and
    names nothing of the field: a word one or two measures hold, even in their summaries
    ("substance use" as a risk), is abuse of something else there, not a topic of theirs.
    (After abuse, a word joined to it may be what abusers do: "abusers get close".)"""
    part = parts[i]
    if part.concepts or not needs_naming(part.measures):
        return False
    before = i + 1 < len(parts) and _bare_abuse(parts[i + 1]) and not joined[i + 1]
    return before and not _field_word(part.text, STEMMED_LANGUAGES)


def _bare_abuse(part: QueryPart) -> bool:
    """Whether a part names abuse itself, no form of it, as the noun a term writes ("abuse",
    "Missbrauch", "abus"), accents and all. Another form of the word is a verb's ("abused",
    "missbraucht", Spanish "abusó"): what someone did, to someone ("a coach abused my
    daughter"), not abuse of something."""
    if set(part.concepts) != {BARE_ABUSE}:
        return False
    vocabulary = load_concepts()
    word = typed_word(part.text)
    return any(
        BARE_ABUSE in vocabulary.concepts_for_term(word, lang) for lang in vocabulary.languages
    )


def _abuse_of_something_else(
    parts: Sequence[QueryPart], missing: list[QueryPart], joined: list[bool]
) -> list[QueryPart]:
    """The parts naming abuse itself (no form of it) right after a missing part naming nothing
    of the field ("elder abuse", "drug abuse") or joined by a function word to one after it
    ("abuso di sostanze", "abus d'alcool", "Missbrauch von Drogen"; not the verb of "Missbrauch
    vermutet")."""
    out = []
    for i, part in enumerate(parts):
        if not _bare_abuse(part):
            continue
        before = i > 0 and _other(parts[i - 1], missing) and not joined[i]
        after = i + 1 < len(parts) and _other(parts[i + 1], missing) and joined[i + 1]
        if before or after:
            out.append(part)
    return out


def _other(part: QueryPart, missing: list[QueryPart]) -> bool:
    """Whether a part beside abuse names what else is abused: a missing word, but no term of
    the field, which no measure is about yet ("sibling abuse" is abuse among siblings)."""
    return part in missing and not part.concepts


def _joined(text: str, parts: Sequence[QueryPart]) -> list[bool]:
    """Per part, whether a function word joins it to the part before in `text`: a word
    between them (the query's parts hold no function words) or an elided one ("d'alcool")."""
    out: list[bool] = []
    end = 0
    for part in parts:
        start = text.find(part.text, end)
        if start < 0:  # not as typed (unit tests give no text): joined to nothing
            out.append(False)
            continue
        between = split_words(text[end:start].lower())
        out.append(bool(out) and (bool(between) or _elided(part.text) > 0))
        end = start + len(part.text)
    return out


def _about(part: QueryPart, measures: int, common: frozenset[str]) -> bool:
    """Whether a found part may say what the query is about: not one of the field's common
    words (in most measures) nor `common` concepts, named by a measure's title or summary,
    and not only who or where (a target group, setting or profession: "Kinder", "Kitas")."""
    field = _names_only(part, lambda c: c in common or _group(c) in FRAMING_GROUPS)
    return not part.generic(measures) and part.named and not field and not _bare_term_word(part)


def _bare_term_word(part: QueryPart) -> bool:
    """Whether a part naming no concept is a word of the field's terms alone ("ochrona" of
    "ochrona dzieci", "safety" of "body safety"): a word of the field, not a topic of its own
    ("ochrona przed powodzią", flood protection)."""
    return not part.concepts and _field_word(part.text, STEMMED_LANGUAGES)


def _framing(part: QueryPart) -> bool:
    """Whether a part names only whom or where: a target group, setting or profession."""
    return _names_only(part, lambda c: _group(c) in FRAMING_GROUPS)


def _field(part: QueryPart, common: frozenset[str]) -> bool:
    """Whether a part names only `common` concepts: ones every measure of the field is about
    (or, as PURPOSE_CONCEPTS, is for)."""
    return _names_only(part, lambda c: c in common)


def _names_only(part: QueryPart, kind: Callable[[str], bool]) -> bool:
    """Whether a part names concepts, all of this kind."""
    return bool(part.concepts) and all(kind(c) for c in part.concepts)


def _maybe_misspelt(text: str, typed: list[str]) -> bool:
    """Whether a missing part may be a misspelling rather than a word of another topic: not a
    common word of the query's language nor a function word of any, and one edit from a term
    word of the field ("przełsuchanie"); a short word, a letter short of one of the query's
    language or over it, or a word of a term or phrasing with two letters swapped ("ris" for
    "risk", "loev" for "love"): changing one of three letters reaches words of every language
    ("lus", Danish lice, is one from Estonian "uus")."""
    return any(
        not is_common_word(t, typed)
        and t not in query_stopwords()  # Maltese "tal" (of the) of "tal-obeżità"
        and (
            near_term_word(t)
            if len(t) >= MIN_NEAR
            else short_field_miss(t, query_languages(t, typed))
        )
        for t in tokenize(typed_word(text))
    )


def _group(concept: str) -> str | None:
    found = load_concepts().by_id.get(concept)
    return found.group if found else None


def _subject(part: QueryPart) -> bool:
    return any(
        c in SUBJECT_CONCEPTS or _group(c) in SUBJECT_GROUPS for c in part.concepts
    ) or _subject_word(part)


def _subject_word(part: QueryPart) -> bool:
    """Whether a part naming no concept is a word most of whose terms name abuse or a form of
    it, at least two ("violences", "Gewalt", "przemoc"; not "people", of the terms for people
    at risk of abusing): the field's subject, though alone it names no concept."""
    words = _words(part)
    if part.concepts or len(words) != 1:
        return False
    concepts = term_word_concepts(words[0])
    subject = sum(c == BARE_ABUSE or _group(c) in SUBJECT_GROUPS for c in concepts)
    return subject >= MIN_SUBJECT_TERMS and 2 * subject > len(concepts)


def _field_word(text: str, languages: tuple[str, ...]) -> bool:
    """Whether a typed part is a word of the field's terms, or a form of one in `languages`.
    A word no measure holds is one of the field's only in the languages the index stems
    lightly (LIGHT_LANGUAGES), where documents may hold the term word in a form it does not
    find ("lekcji" for "lekcje"): it finds the forms of a word in the others, so a form no
    measure holds ("incidenti", of "incidenza") is missing."""
    word = typed_word(text)
    tokens = tokenize(word)
    return len(tokens) == 1 and is_term_word(fold(tokens[0]), word, languages)

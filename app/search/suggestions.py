""" "Did you mean": which typed words get a correction, and how the suggestion is written.

Both backends answer two questions about a word from what is published now (never from
archived measures or replaced revisions still lying in an index): in how many documents is it,
and what is the closest known word. "Closest" counts edits between the words, or between their
English stems when that is fewer ("sextoring" is one edit from "sextortion" as stems, two from
"sexting" as words). A misspelt word is corrected automatically (the page says so and offers
the search as typed); `suggestion` is the corrected query either way.

Looking for close words is the costly part, so only a few words of plausible
length are corrected per query, and none once the search's time budget has run out: a query of
random strings must not cost seconds for a suggestion nobody will take.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.search.analysis import (
    analyze,
    edit_distance,
    fold,
    query_stopwords,
    tokenize,
    typed_word,
)
from app.search.backends.base import Deadline
from app.search.common_words import (
    ALWAYS,
    common_words,
    is_common_anywhere,
    is_common_word,
    query_languages,
    reader_languages,
)
from app.search.concept_match import near_phrasing_words, near_term_words, term_spelling
from app.search.query import ParsedText, Phrase, Word, replace_words

MIN_WORD_LENGTH = 3
# A word this short that some document holds is someone's word ("talo", "love"), not a typo;
# see best_candidate for shorter ones.
SHORT_WORD_LENGTH = 4
# Longer "words" are pasted identifiers or noise, not misspellings, and cost the most to match.
MAX_WORD_LENGTH = 30
MAX_CORRECTED_WORDS = 5  # unknown words looked up per query
STEM_LANGUAGE = "en"  # misspelt endings are compared as stems of this language


# A word with an inner apostrophe or dot ("d'ecoute", "e.v") is an elision or an abbreviation,
# not a typo.
UNCORRECTED_MARKS = frozenset("'.")


def correctable_words(parsed: ParsedText) -> list[Word]:
    """The positive one-token words that may get a correction, each once, in typed order; a
    hyphenated word's parts each as a word ("Onilne-Therapie" has a typo in "Onilne")."""
    out: dict[str, Word] = {}
    for word in (part for w in parsed.positive_words() for part in hyphen_parts(w)):
        token = word.tokens[0] if len(word.tokens) == 1 else ""
        if (
            MIN_WORD_LENGTH <= len(token) <= MAX_WORD_LENGTH
            and not token.isdigit()
            and not UNCORRECTED_MARKS.intersection(token)
        ):
            out.setdefault(token, word)
    return list(out.values())


def hyphen_parts(word: Word) -> list[Word]:
    """A word, or the parts of a hyphenated one as typed, each with its tokens."""
    if len(word.tokens) == 1 or "-" not in word.text:
        return [word]
    return [Word(part, tuple(tokenize(part))) for part in word.text.split("-") if part]


# A known word is still corrected when it is this much rarer than a word one edit away (a
# typo that happens to occur in one or two documents).
RARER_FACTOR = 20
RARE_WORD_DOCS = 2
# What `frequency` answers for a word that no document holds while a form with its stem is in
# some (a typo can be a Hungarian stem: "zephyrint" of "zephyrinet"). It is corrected as a word
# in one document would be: to a word one edit away in 20 times as many.
STEM_ONLY = -1


@dataclass(frozen=True)
class Candidate:
    word: str  # folded, as the neutral fields hold it
    docs: int  # live documents holding it
    distance: int  # edits from the typed word (or between their stems, when fewer)


def best_candidate(
    token: str, candidates: list[Candidate], lenient: bool = False
) -> Candidate | None:
    """The closest candidate, the one in most documents among equally close ones.

    Two edits are allowed for words of 6 letters or more (two in five letters make another
    word: German "Tiere" is not "title", Czech "Praha" not "Pravna"). A word more than one
    edit away (as words, whatever their stems) must begin with the same two letters and have
    5 letters or more: "farmers" is not "formerly", nor "nagich" "nach". Between candidates
    equally close, the one closer as a word wins ("abuused" is "abused", not the commoner
    "abuse"). A word of under 4 letters is corrected only to its own letters in another order
    ("sxe" is "sex", but "Rat" is not "ran"), and no word to a word shorter than that ("Dats"
    is not "dat"). A word of 4 letters gets a letter swapped, dropped or added, never
    replaced: one other letter in so short a word mostly makes another language's word, or
    another word ("love" is not "live", Finnish "talo" not "talk", "cars" not "care"). No
    word is corrected to a function word of any language ("dogs" is not "does").

    `lenient` (a second try, for a query the strict rules leave off topic) lets a 4-letter
    word have a letter replaced, not its first ("Ssfe" is "safe", "hsrm" "harm"): a typo is
    likelier than a question about "Ssfe".
    """
    forms = [c for c in candidates if c.distance == 0 and c.docs and c.word != token]
    if forms:
        # A form of a word that measures hold, its stem finds them. Only a dropped or swapped
        # letter, the commonest typos, is put back ("offendes" is "offenders", not "offences";
        # "PrevenTel" is "PrevenTell", not "prevented"); "preventions" stays as typed.
        typos = [
            c
            for c in forms
            if len(c.word) >= len(token)
            and _as_words(token, c.word) == 1
            and not _replaced(token, c.word)
        ]
        return min(typos, key=lambda c: (-c.docs, c.word), default=None)
    allowed = 2 if len(token) >= 6 else 1
    stop = query_stopwords()
    usable = [
        c
        for c in candidates
        if 0 < c.distance <= allowed
        and c.docs
        and c.word != token
        and c.word not in stop
        and (_as_words(token, c.word) < 2 or (c.word[:2] == token[:2] and len(c.word) >= 5))
        and len(c.word) >= min(len(token), SHORT_WORD_LENGTH)
        and (len(token) >= SHORT_WORD_LENGTH or sorted(c.word) == sorted(token))
        and (
            len(token) > SHORT_WORD_LENGTH
            or not _replaced(token, c.word)
            or (lenient and len(token) == SHORT_WORD_LENGTH and c.word[0] == token[0])
        )
    ]
    return min(
        usable,
        key=lambda c: (
            c.distance,
            _as_words(token, c.word),
            _replaced(token, c.word),
            -c.docs,
            c.word,
        ),
        default=None,
    )


def _replaced(token: str, word: str) -> bool:
    """Whether `word` is `token` with letters replaced (same length, other letters)."""
    return len(token) == len(word) and sorted(token) != sorted(word)


def _as_words(token: str, word: str) -> int:
    return edit_distance(token, word, 3)


def corrections(
    parsed: ParsedText,
    frequency: Callable[[Word], int],
    correct: Callable[[str], Candidate | None],
    deadline: Deadline,
    together: Callable[[list[Word | Phrase]], bool] | None = None,
) -> dict[str, str]:
    """Typed word -> its correction, for the words no published measure holds, and for those
    far rarer than a close neighbour, unless some measure holds all the typed words together
    (`together`: "Safe Dates" is a programme, not a typo of "safe data"). Quoted words and
    common words of English, the reader's language and the language the query's other words
    are in (app/search/common_words.py) are never corrected.

    `frequency` answers the number of live documents holding a word, or STEM_ONLY. A word that
    some document holds, or a form of it, is corrected only to a word one edit away as words
    (not as stems: "farmers" is not "formerly"); a short one only when no document holds it.
    A word no document holds and `correct` finds nothing for may be a term word of the field
    misspelt (`vocabulary_candidate`).
    """
    replacements: dict[str, str] = {}
    looked_up = 0
    words = correctable_words(parsed)
    typed = [w.tokens[0] for w in parsed.positive_words() if len(w.tokens) == 1]
    typed_together: bool | None = None
    for word in words:
        if looked_up == MAX_CORRECTED_WORDS or deadline.passed:
            break
        token = word.tokens[0]
        if is_common_word(token, typed):  # "choir" is no typo of "choices"
            continue
        docs = frequency(word)
        if docs > RARE_WORD_DOCS or (docs > 0 and len(token) <= SHORT_WORD_LENGTH):
            continue
        looked_up += 1
        candidate = correct(token)
        if candidate is None and docs == 0:
            candidate = vocabulary_candidate(token)
        most = _run_parts(token, candidate) if docs == 0 else 0
        if most:
            # Words run together before a word far from the typed one (_run_parts):
            # "takeitdown" is "take it down", not "takedown" ("sextoring" is "sextortion").
            parts = run_together(token, frequency, together, most)
            if parts:
                shown = typed_word(word.text)
                replacements[shown] = " ".join(_as_typed(shown, token, parts))
                continue
        if candidate is None or (not docs and _common_compound(token, candidate.word)):
            continue
        if docs and edit_distance(token, candidate.word, 1) > 1:
            continue
        if docs and candidate.docs < RARER_FACTOR * max(docs, 1):
            continue
        if _close_only_as_english_stems(token, candidate.word, typed):
            continue
        # A word no document holds is no programme's name, even when a form of its stem
        # ("helpliine": a Finnish stem of "helpline") is found with the other words typed.
        if docs > 0:
            if typed_together is None:
                typed_together = together is None or together(parsed.positive_words())
            if typed_together:
                continue
        shown = typed_word(word.text)
        replacements[shown] = with_accents(respell(shown, token, candidate.word))
    return replacements


# The shortest word a compound of common words is read as made of ("home" of "homeschool").
COMPOUND_PART = 4


def _common_compound(token: str, word: str) -> bool:
    """Whether a word no document holds is two common words of English or the reader's
    language written together ("homeschool"), and `word`, the closest, has letters of it
    replaced: a word of the reader's own, not a misspelt one ("homeschool" is not Dutch
    "hogeschool"). A letter dropped, added or swapped is a typo, whatever the parts
    ("Talkking" is no "talk king")."""
    if not _replaced(token, word):
        return False
    return any(
        token[:cut] in common and token[cut:] in common
        for common in map(common_words, reader_languages())
        for cut in range(COMPOUND_PART, len(token) - COMPOUND_PART + 1)
    )


def with_accents(corrected: str) -> str:
    """A correction to a word of the vocabulary's terms, accented as the vocabulary writes it:
    the user's accents on the letters it shares with the typed word may not be the word's
    (Slovak "obťažované" is "obťažovanie", not "obťažovanié")."""
    spelt = term_spelling(fold(corrected))
    if not spelt or len(spelt) != len(corrected):
        return corrected
    return "".join(s.upper() if c.isupper() else s for c, s in zip(corrected, spelt, strict=True))


# A word no document holds and no word is close to may be words run together ("stopitnow",
# "takeitdown"): it is split into at most RUN_PARTS words of RUN_PART letters or more, each in
# some document or a function word, two or more of them in one document as a phrase.
RUN_PARTS = 3
RUN_PART = 2


def _run_parts(token: str, candidate: Candidate | None) -> int:
    """How many words a word no document holds may be read as run together, given the closest
    word: up to RUN_PARTS beside none or one two edits away; two beside one close only as
    their stems are, and more than two edits as words ("safedates" is "safe dates", not
    "safely"; "sextoring" is "sextortion", not "sex to ring"); else none."""
    if candidate is None or candidate.distance > 1:
        return RUN_PARTS
    return 2 if edit_distance(token, candidate.word, 2) > 2 else 0


def run_together(
    token: str,
    frequency: Callable[[Word], int],
    together: Callable[[list[Word | Phrase]], bool] | None,
    most: int = RUN_PARTS,
) -> list[str] | None:
    """The words `token` runs together, in `most` words at most, the fewest and then the
    longest first; None if none."""
    if together is not None and together([Word(token, (token,))]):
        return None  # it begins a longer word some document holds ("Helpwanted.nl")
    stop = query_stopwords()
    for parts in _splits(token, most):
        held = [frequency(Word(p, (p,))) > 0 for p in parts]
        if all(h or p in stop for h, p in zip(held, parts, strict=True)):
            # Function words too, where the index holds them: "stop it now" is in one
            # measure, "stop it down" in none.
            words = [p for h, p in zip(held, parts, strict=True) if h]
            if len(words) > 1 and (together is None or together([_phrase(words)])):
                return parts
    return None


def _phrase(words: list[str]) -> Phrase:
    """Words run together are written together: some document must hold them as a phrase
    ("child proof" for "childproof", not "child" somewhere and "pro" elsewhere)."""
    return Phrase(" ".join(words), tuple(words))


def _as_typed(typed: str, token: str, parts: list[str]) -> list[str]:
    """The parts of the folded `token` as the user wrote them ("keintäterwerden": "Täter"),
    where folding kept every letter's place; else as folded."""
    if len(typed) != len(token):
        return parts
    out, start = [], 0
    for part in parts:
        out.append(typed[start : start + len(part)])
        start += len(part)
    return out


def _splits(token: str, most: int) -> list[list[str]]:
    """`token` cut into 2 to `most` parts of RUN_PART letters or more, fewest parts first,
    then the longest first part."""
    out: list[list[str]] = []
    for n in range(2, most + 1):
        out += _cuts(token, n)
    return out


def _cuts(token: str, n: int) -> list[list[str]]:
    if n == 1:
        return [[token]] if len(token) >= RUN_PART else []
    out = []
    for cut in range(len(token) - RUN_PART * (n - 1), RUN_PART - 1, -1):
        out += [[token[:cut], *rest] for rest in _cuts(token[cut:], n - 1)]
    return out


def _close_only_as_english_stems(token: str, word: str, typed: list[str]) -> bool:
    """Whether `word` is close to `token` only as English stems while the query's other words
    are of another language: English stems compare misspelt English endings ("sextoring"),
    and Portuguese "presencial" among Portuguese words is no typo of "presence"."""
    languages = query_languages(token, typed)
    return bool(languages) and ALWAYS not in languages and edit_distance(token, word, 2) > 2


def vocabulary_candidate(token: str) -> Candidate | None:
    """A term word of the field one edit from a word no measure holds ("sextorsuone" ->
    "sextorsione", "Sxhweden" -> "Schweden"), else a word of an everyday phrasing ("grooemd"
    -> "groomed"): measures hold the concept in other words and languages, though none holds
    the word. Its first letter as typed (a typo rarely hits the first letter, and another
    first letter mostly makes another word: "dental" is not "mental"), a function word never;
    between several, one with a letter swapped, dropped or added before one with a letter
    replaced. A phrasing's word only for a word common in no language with a list."""
    stop = query_stopwords()
    # Phrasings hold everyday words of every language: German "Tiere" is no typo of Romanian
    # "tinere".
    sources = (
        [near_term_words] if is_common_anywhere(token) else [near_term_words, near_phrasing_words]
    )
    for near in sources:
        words = [w for w in near(token) if w[0] == token[0] and w not in stop]
        if words:
            return Candidate(min(words, key=lambda w: (_replaced(token, w), w)), 0, 1)
    return None


def respell(typed: str, token: str, word: str) -> str:
    """The correction `word` (folded) written as the user wrote `typed` (folded: `token`): the
    letters the two share keep the user's accents and capitals ("Präventionsprogram" ->
    "Präventionsprogramme", "Kinderschtuz" -> "Kinderschutz")."""
    if len(typed) != len(token) or any(fold(c) != t for c, t in zip(typed, token, strict=True)):
        return word.capitalize() if typed[:1].isupper() else word
    prefix = 0
    while prefix < min(len(token), len(word)) and token[prefix] == word[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < min(len(token), len(word)) - prefix
        and token[len(token) - 1 - suffix] == word[len(word) - 1 - suffix]
    ):
        suffix += 1
    middle = word[prefix : len(word) - suffix]
    if typed.isupper() and len(typed) > 1:
        middle = middle.upper()
    elif prefix == 0 and typed[:1].isupper():
        middle = middle.capitalize()
    return typed[:prefix] + middle + typed[len(typed) - suffix :]


def english_stem(word: str) -> str:
    stems = analyze(word, STEM_LANGUAGE)
    return stems[0] if stems else ""


def distance(token: str, word: str) -> int:
    """Edits between the words, or between their English stems when fewer (at most 3)."""
    raw = edit_distance(token, word, 2)
    stem, other = english_stem(token), english_stem(word)
    if stem and other and len(stem) >= MIN_WORD_LENGTH:
        return min(raw, edit_distance(stem, other, 2))
    return raw


def corrected_text(q: str, replacements: dict[str, str]) -> str | None:
    """`q` with these words replaced, or None when nothing changes."""
    if not replacements:
        return None
    corrected = replace_words(q, replacements)
    return corrected if corrected != q else None

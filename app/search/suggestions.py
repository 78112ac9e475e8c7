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

from app.search.analysis import analyze
from app.search.backends.base import Deadline
from app.search.query import ParsedText, Word, replace_words

MIN_WORD_LENGTH = 3
# Longer "words" are pasted identifiers or noise, not misspellings, and cost the most to match.
MAX_WORD_LENGTH = 30
MAX_CORRECTED_WORDS = 5  # unknown words looked up per query
STEM_LANGUAGE = "en"  # misspelt endings are compared as stems of this language


def correctable_words(parsed: ParsedText) -> list[Word]:
    """The positive one-token words that may get a correction, each once, in typed order."""
    out: dict[str, Word] = {}
    for word in parsed.positive_words():
        token = word.tokens[0] if len(word.tokens) == 1 else ""
        if MIN_WORD_LENGTH <= len(token) <= MAX_WORD_LENGTH and not token.isdigit():
            out.setdefault(token, word)
    return list(out.values())


# A known word is still corrected when it is this much rarer than a word one edit away (a
# typo that happens to occur in one or two documents).
RARER_FACTOR = 20
RARE_WORD_DOCS = 2


@dataclass(frozen=True)
class Candidate:
    word: str  # folded, as the neutral fields hold it
    docs: int  # live documents holding it
    distance: int  # edits from the typed word (or between their stems, when fewer)


def best_candidate(token: str, candidates: list[Candidate]) -> Candidate | None:
    """The closest candidate, the one in most documents among equally close ones."""
    allowed = 2 if len(token) >= 5 else 1
    usable = [c for c in candidates if 0 < c.distance <= allowed and c.docs and c.word != token]
    return min(usable, key=lambda c: (c.distance, -c.docs, c.word), default=None)


def corrections(
    parsed: ParsedText,
    frequency: Callable[[Word], int],
    correct: Callable[[str], Candidate | None],
    deadline: Deadline,
    together: Callable[[list[Word]], bool] | None = None,
) -> dict[str, str]:
    """Typed word -> its correction, for the words no published measure holds, and for those
    far rarer than a close neighbour, unless some measure holds all the typed words together
    (`together`: "Safe Dates" is a programme, not a typo of "safe data"). Quoted words are
    never corrected."""
    replacements: dict[str, str] = {}
    looked_up = 0
    words = correctable_words(parsed)
    typed_together: bool | None = None
    for word in words:
        if looked_up == MAX_CORRECTED_WORDS or deadline.passed:
            break
        docs = frequency(word)
        if docs > RARE_WORD_DOCS:
            continue
        looked_up += 1
        candidate = correct(word.tokens[0])
        if candidate is None:
            continue
        if docs and (candidate.distance > 1 or candidate.docs < RARER_FACTOR * docs):
            continue
        if docs:
            if typed_together is None:
                typed_together = together is None or together(parsed.positive_words())
            if typed_together:
                continue
        replacements[word.text] = candidate.word
    return replacements


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance, or limit + 1 when it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


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

""" "Did you mean": which typed words get a correction, and how the suggestion is written.

Both backends answer two questions about a word from what is published now (never from
archived measures or replaced revisions still lying in an index): is it known, and what is the
closest known word. Looking for close words is the costly part, so only a few words of plausible
length are corrected per query, and none once the search's time budget has run out: a query of
random strings must not cost seconds for a suggestion nobody will take.
"""

from __future__ import annotations

from collections.abc import Callable

from app.search.backends.base import Deadline
from app.search.query import ParsedText, Word, replace_words

MIN_WORD_LENGTH = 3
# Longer "words" are pasted identifiers or noise, not misspellings, and cost the most to match.
MAX_WORD_LENGTH = 30
MAX_CORRECTED_WORDS = 5  # unknown words looked up per query


def correctable_words(parsed: ParsedText) -> list[Word]:
    """The positive one-token words that may get a correction, each once, in typed order."""
    out: dict[str, Word] = {}
    for word in parsed.positive_words():
        token = word.tokens[0] if len(word.tokens) == 1 else ""
        if MIN_WORD_LENGTH <= len(token) <= MAX_WORD_LENGTH and not token.isdigit():
            out.setdefault(token, word)
    return list(out.values())


def suggest(
    q: str,
    parsed: ParsedText,
    known: Callable[[Word], bool],
    correct: Callable[[str], str | None],
    deadline: Deadline,
) -> str | None:
    """`q` with its unknown words replaced by their corrections, or None when nothing changes."""
    replacements: dict[str, str] = {}
    looked_up = 0
    for word in correctable_words(parsed):
        if looked_up == MAX_CORRECTED_WORDS or deadline.passed:
            break
        if known(word):
            continue
        looked_up += 1
        correction = correct(word.tokens[0])
        if correction:
            replacements[word.text] = correction
    if not replacements:
        return None
    suggestion = replace_words(q, replacements)
    return suggestion if suggestion != q else None

"""Queries about a topic the repository does not cover ("drowning prevention").

Such a query usually shares a generic word or two with many measures ("prevention"), so a
ranked list would show measures that have nothing to do with what was asked. When some typed
part is in no published measure (in no form, compound or concept, after spelling correction),
every part that is found is found in more than GENERIC_SHARE of the published measures, and
no more parts are found than missing, the search shows nothing and names the words no measure
holds; the page offers to search the other words anyway. A missing word next to a specific one
("sextorsione ragazzi aiuto" finds sextortion measures), or next to more generic words than
are missing ("Missbrauch vermutet Eltern"), leaves the results alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.search.analysis import typed_word

# Tuned with bench/search_quality.py (tuning half only).
GENERIC_SHARE = 0.4
# Below this many published measures, how common a word is says nothing.
MIN_MEASURES = 50


def off_topic_words(parts: Sequence[tuple[str, int]], measures: int) -> list[str]:
    """The typed parts no measure holds, when all the other parts are generic; else [].

    `parts` are the query's top-level parts as typed, each with how many published measures
    it matches; `measures` is how many are published.
    """
    if measures < MIN_MEASURES or len(parts) < 2:
        return []
    missing = [typed_word(text) for text, count in parts if count == 0]
    found = [count for _text, count in parts if count]
    # At least half the parts unknown: a question with one verb no measure holds ("Missbrauch
    # vermutet Eltern") is still about what its other words say.
    if (
        missing
        and found
        and len(missing) >= len(found)
        and all(count > GENERIC_SHARE * measures for count in found)
    ):
        return missing
    return []

"""The words of the evidence explanations: English, or the reader's language when asked.

The rules are pure and their sentences are stored with each revision and served by the API in
English (a public contract). A page recomputes them inside `evidence_in_readers_language()` to
show them in the reader's language: only there does `say` look the sentence up in the catalogues.
(A message that is not stored says itself in the reader's language as an app.core.i18n.Wording.)

Sentences are module constants marked with `N_` (extracted by `make messages`, translated only
when said), with `%(name)s` placeholders; `ngettext` is called with literal sentences so that
each language gets its own plural forms.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_app_context
from flask_babel import format_decimal
from flask_babel import gettext as _gettext
from flask_babel import ngettext as _ngettext

_IN_READERS_LANGUAGE: ContextVar[bool] = ContextVar("evidence_in_readers_language", default=False)


def translating() -> bool:
    return _IN_READERS_LANGUAGE.get() and has_app_context()


def say(message: str, **values: object) -> str:
    """`message` with its placeholders filled, in the reader's language when asked for."""
    if translating():
        return _gettext(message, **values)
    return message % values if values else message


def ngettext(one: str, other: str, count: int, **values: object) -> str:
    """The singular or plural sentence for `count` (also `%(num)d`), as `say` translates."""
    if translating():
        return _ngettext(one, other, count, **values)
    return (one if count == 1 else other) % {"num": count, **values}


def decimal(value: float) -> str:
    """A figure with a fraction as the reader writes it (20.1, in German 20,1), never rounded."""
    if translating():
        return str(format_decimal(value, format="0.##########"))
    return f"{value:g}"


@contextmanager
def evidence_in_readers_language() -> Iterator[None]:
    """Within the block, evidence sentences are said in the current locale's language."""
    token = _IN_READERS_LANGUAGE.set(True)
    try:
        yield
    finally:
        _IN_READERS_LANGUAGE.reset(token)

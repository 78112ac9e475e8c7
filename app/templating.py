"""Jinja filters and globals: labels for vocabularies, sanitised Markdown, dates."""

from __future__ import annotations

from datetime import date, datetime

import nh3
from babel import dates, numbers
from flask import Flask
from flask_babel.speaklater import LazyString
from markdown_it import MarkdownIt
from markupsafe import Markup

from app.audit import wording
from app.core.i18n import current_language
from app.records import vocab

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
# fmt: off
_ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code", "pre",
    "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td", "hr",
}
# fmt: on


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML, then sanitised with nh3: raw HTML and scripts never get through.

    Headings are shifted down one level so a description never competes with the page's h1.
    """
    if not text:
        return Markup("")
    html = _markdown.render(text)
    for level in range(5, 0, -1):
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(
            f"</h{level}>", f"</h{level + 1}>"
        )
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(clean)  # noqa: S704  (sanitised by nh3 just above)  # nosec B704


def format_date(value: date | datetime | None) -> str:
    """A day in the reader's language: "02 Dec 2026", "02.12.2026", "2 gru 2026"."""
    if not value:
        return ""
    language = current_language()
    if language == "en":
        return value.strftime("%d %b %Y")  # the style the English pages have always had
    return dates.format_date(value, format="medium", locale=language)


def format_number(value: float | int | None, digits: int | None = None) -> str:
    """1234.5 -> "1,234.5", "1.234,5", "1 234,5" by the reader's language; `digits` fixes the
    decimals shown (4 -> "4.0" with 1)."""
    if value is None:
        return ""
    pattern = f"#,##0.{'0' * digits}" if digits else None
    return numbers.format_decimal(value, format=pattern, locale=current_language())


def country_in_reader_language(code: str) -> str:
    return vocab.country_name(code, current_language())


def language_in_reader_language(code: str) -> str:
    return vocab.language_name(code, current_language())


def is_text(value: object) -> bool:
    """A message: a string, or a translatable one not yet rendered (a form's lazy_gettext)."""
    return isinstance(value, str | LazyString)


def init_templating(app: Flask) -> None:
    from app.accounts import policies as account_policies
    from app.measures import policies as measure_policies

    app.jinja_env.filters.update(
        markdown=render_markdown,
        label=vocab.label,
        country=country_in_reader_language,
        language=language_in_reader_language,
        date=format_date,
        number=format_number,
        audit_action=wording.action_text,
        audit_object=wording.object_text,
        audit_detail_label=wording.detail_label,
        audit_detail=wording.detail_text,
    )
    app.jinja_env.tests["text"] = is_text
    app.jinja_env.globals.update(
        vocab=vocab,
        policies=measure_policies,
        account_policies=account_policies,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

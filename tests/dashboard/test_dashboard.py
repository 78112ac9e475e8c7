"""GET /dashboard: SQL counts against known data, and accessible SVG charts with tables."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from app.dashboard import charts, services

SVG = "{http://www.w3.org/2000/svg}"


def test_counts_by_country_and_level_come_from_published_measures_only(repository):
    rows = {r.country: r.by_level for r in services.counts_by_country_and_level()}
    assert rows == {
        "DE": (1, 0, 0, 0, 1, 0),
        "AT": (0, 0, 0, 0, 1, 0),
        "FR": (0, 0, 1, 0, 0, 0),
    }
    # Most measures first, then by name.
    assert [r.country for r in services.counts_by_country_and_level()] == ["DE", "AT", "FR"]


def test_counts_by_level_prevention_level_and_target_group(repository):
    assert services.counts_by_level() == (1, 0, 1, 0, 1, 0)
    assert services.counts_by_prevention_level() == [
        ("primary", 2),
        ("secondary", 1),
        ("tertiary", 0),
    ]
    by_group = services.counts_by_term("target_groups", services.vocab.TARGET_GROUPS)
    assert [v for v, _n in by_group] == list(services.vocab.TARGET_GROUPS)  # zeros too
    assert {v: n for v, n in by_group if n} == {
        "children": 2,
        "parents_carers": 1,
        "professionals": 1,
    }
    # A value outside the list asked for is still counted, after the list.
    assert services.counts_by_term("target_groups", ("children",)) == [
        ("children", 2),
        ("parents_carers", 1),
        ("professionals", 1),
    ]


def test_totals_and_newest(repository):
    totals = services.totals()
    assert (totals.measures, totals.countries, totals.level_3_or_more, totals.harm_flagged) == (
        3,
        3,
        1,
        0,
    )
    newest = services.newest_published()
    assert [m.published_revision.title for m in newest] == [
        "Clinic pathway",
        "Parents evenings",
        "Safe schools",
    ]


def test_an_empty_repository_gives_zeros_not_errors(app, client):
    assert services.totals().measures == 0
    assert services.counts_by_country_and_level() == []
    response = client.get("/dashboard")
    assert response.status_code == 200
    assert "No measure has been published yet." in response.get_data(as_text=True)


def _svgs(html: str) -> list[ET.Element]:
    found = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    return [ET.fromstring(m) for m in found]  # noqa: S314  (our own page)


def test_the_page_is_public_with_accessible_svg_charts_and_table_fallbacks(client, repository):
    response = client.get("/dashboard")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<h1") == 1
    svgs = _svgs(html)
    assert len(svgs) == 3
    for svg in svgs:
        assert svg.get("role") == "img"
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title is not None and title.text and desc is not None and desc.text
        chart_id = svg.get("id")
        assert svg.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
        assert title.get("id") == f"{chart_id}-title"
    assert " style=" not in html  # the CSP drops inline styles: classes only
    # Every chart has a real table with the same numbers.
    assert html.count('<details class="chart-table">') == 3
    assert '<caption id="countries-table-caption">Published measures by country' in html
    germany = re.search(r'<th scope="row">Germany</th>(.*?)</tr>', html, flags=re.S).group(1)
    assert re.findall(r'<td class="num">(\d+)</td>', germany) == ["1", "0", "0", "0", "1", "0", "2"]
    assert re.search(r'<th scope="row">Secondary</th><td class="num">1</td>', html)
    assert re.search(r'<th scope="row">Parents and carers</th><td class="num">1</td>', html)
    # Newest publications, newest first, and the feed is announced.
    newest = html[html.index('id="newest-heading"') :]
    assert (
        newest.index("Clinic pathway")
        < newest.index("Parents evenings")
        < newest.index("Safe schools")
    )
    assert "Draft in Germany" not in html
    assert (
        '<link rel="alternate" type="application/atom+xml" '
        'title="Prevent-Hub: newly published measures" href="/feeds/measures.atom">'
    ) in html


def test_the_heatmap_writes_every_number_as_text_not_only_as_colour(client, repository):
    html = client.get("/dashboard").get_data(as_text=True)
    heatmap = _svgs(html)[0]
    assert heatmap.get("id") == "chart-countries"
    texts = [t.text for t in heatmap.iter(f"{SVG}text")]
    assert texts[:7] == ["Evidence level", "0", "1", "2", "3", "4", "5"]
    assert texts[7:14] == ["Germany", "1", "0", "0", "0", "1", "0"]
    cells = [r.get("class") for r in heatmap.iter(f"{SVG}rect")]
    assert cells[0] == "heat heat-5" and cells[1] == "heat heat-0"
    desc = heatmap.find(f"{SVG}desc").text
    assert "Grid of 3 countries" in desc and "Most measures: Germany (2)." in desc


def test_bar_chart_desc_states_the_numbers(client, repository):
    target = _svgs(client.get("/dashboard").get_data(as_text=True))[2]
    desc = target.find(f"{SVG}desc").text
    assert "Children: 2 measures; Adolescents: 0 measures; Parents and carers: 1 measure;" in desc
    bars = list(target.iter(f"{SVG}rect"))
    widths = [int(r.get("width")) for r in bars]
    assert max(widths) == widths[0]  # children, the largest, is the longest bar


def test_the_charts_speak_the_readers_language(client, repository):
    """Titles, descriptions, axis and country names of the charts in Czech (three plural forms:
    "3 země", "2 opatření")."""
    html = client.get("/dashboard", headers={"Accept-Language": "cs"}).get_data(as_text=True)
    heatmap, prevention, target = _svgs(html)
    assert heatmap.find(f"{SVG}title").text == "Zveřejněná opatření podle země a úrovně důkazů"
    texts = [t.text for t in heatmap.iter(f"{SVG}text")]
    assert texts[0] == "Úroveň důkazů" and texts[7] == "Německo"
    desc = heatmap.find(f"{SVG}desc").text
    assert desc.startswith("Mřížka: 3 země podle úrovně důkazů")
    assert "Nejvíce opatření: Německo (2)." in desc
    assert prevention.find(f"{SVG}desc").text.startswith("Pruhový graf. ")
    assert ": 2 opatření;" in target.find(f"{SVG}desc").text


def test_heat_buckets_never_hide_a_small_nonzero_count():
    assert charts.heat_bucket(0, 10) == 0
    assert charts.heat_bucket(1, 100) == 1
    assert charts.heat_bucket(10, 10) == charts.HEAT_BUCKETS
    assert charts.heat_bucket(5, 10) == 3


def test_chart_text_is_escaped():
    svg = charts.bar_chart("c", "A <b> title", 'desc "quoted"', [("<script>", 1)])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(str(svg))  # noqa: S314  (our own output) -- well-formed XML

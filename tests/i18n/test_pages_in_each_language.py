"""Every converted page renders in each complete language, in that language."""

from __future__ import annotations

import re

import pytest

from app.accounts.models import Role
from app.compare import services as shortlists
from app.core.extensions import db
from tests.conftest import make_measure, make_user
from tests.i18n.test_catalogues import COMPLETE

# A phrase of the layout in each language: the page really is in it.
SKIP_LINK = {
    "de": "Zum Hauptinhalt springen",
    "pl": "Przejdź do treści głównej",
    "fr": "Aller au contenu principal",
    "es": "Saltar al contenido principal",
    "it": "Vai al contenuto principale",
    "nl": "Direct naar de hoofdinhoud",
    "pt": "Saltar para o conteúdo principal",
    "sv": "Hoppa till huvudinnehållet",
    "cs": "Přejít na hlavní obsah",
}


@pytest.mark.parametrize("language", COMPLETE)
def test_pages_render_in_the_language(app, auth, client, language):
    owner = make_user(Role.PRACTITIONER, email=f"owner-{language}@example.org")
    measure = make_measure(owner, publish=True)
    other = make_measure(owner, publish=True, title="Another measure", countries=["FR"])
    shortlist = shortlists.create_shortlist(owner, "For the ministry", [measure, other])
    token = shortlists.share_shortlist(owner, shortlist)
    db.session.commit()
    headers = {"Accept-Language": language}
    public_paths = [
        "/",
        "/measures/",
        f"/measures/{measure.id}",
        f"/measures/{measure.id}/factsheet",
        "/dashboard",
        "/evidence",
        "/privacy",
        "/account/login",
        "/account/register",
        "/account/reset",
        "/compare",
        f"/compare?ids={measure.id},{other.id}",
        "/shortlists/session",
        f"/shortlists/shared/{token}",
        "/search",
        "/search?q=grooming",
    ]
    for path in public_paths:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert f'<html lang="{language}">' in page, path
        assert SKIP_LINK[language] in page, path
    missing = client.get("/no-such-page", headers=headers)
    assert missing.status_code == 404
    assert SKIP_LINK[language] in missing.get_data(as_text=True)

    auth.login(owner)
    for path in (
        "/account/",
        "/account/tokens/",
        "/measures/mine",
        "/measures/new",
        "/account/delete",
        "/shortlists",
        f"/shortlists/{shortlist.id}",
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        assert SKIP_LINK[language] in response.get_data(as_text=True), path


def _text(html: str) -> str:
    """The page's words without tags, spaces squashed (a sentence may hold a link)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_comparison_reads_in_polish(client):
    owner = make_user(Role.PRACTITIONER, email="owner-pl-compare@example.org")
    a = make_measure(owner, publish=True, title="Alfa", countries=["DE", "AT"])
    b = make_measure(owner, publish=True, title="Beta", countries=["FR"], cost_level="low")
    db.session.commit()
    html = client.get(f"/compare?ids={a.id},{b.id}", headers={"Accept-Language": "pl"}).get_data(
        as_text=True
    )
    text = _text(html)
    assert "<h1>Porównaj 2 działania</h1>" in html
    # Section and row labels, the mark and its explanation, the buttons and links.
    for words in (
        "Dowody",
        "Poziom dowodów i uzasadnienie",
        "Najlepsza ocena badania",
        "Dla kogo i gdzie",
        "Koszty i realizacja",
        "Szkolenie realizatorów",
        "Oceny koleżeńskie",
        "Skuteczność w praktyce",
        '<span class="differs-marker">Różni się</span>',
        "działania różnią się pod tym względem",
        "Brak recenzji",
        "Nie podano",
        "Pobierz jako CSV",
        "Drukuj to porównanie",
        "z porównania",
    ):
        assert words in html, words
    # Countries by their Polish names, the same for both rows of a country list.
    countries = html[html.index('id="aspect-countries"') :]
    countries = countries[: countries.index("</tr>")]
    assert "Niemcy" in countries and "Francja" in countries
    assert "porównywanych aspektów" in text
    for english in ("Evidence level and why", "Same for all", "Differs<", "Not stated"):
        assert english not in html, english


def test_a_shortlist_reads_in_polish(client, auth):
    official = make_user(Role.OFFICIAL, email="official-pl-shortlist@example.org")
    owner = make_user(Role.PRACTITIONER, email="owner-pl-shortlist@example.org")
    measure = make_measure(owner, publish=True, title="Alfa")
    shortlist = shortlists.create_shortlist(official, "Dla ministerstwa", [measure])
    db.session.commit()
    auth.login(official)
    headers = {"Accept-Language": "pl"}
    html = client.get(f"/shortlists/{shortlist.id}", headers=headers).get_data(as_text=True)
    for words in (
        "Twoje listy",
        "1 działanie",
        "Pobierz tę listę:",
        "CSV z kodami",
        "Twoja notatka",
        "Zapisz notatkę",
        "z tej listy",
        "Udostępnianie",
        "Udostępnij przez link",
        "Zmień nazwę",
        "Usuń „Dla ministerstwa”",
    ):
        assert words in html, words
    index = client.get("/shortlists", headers=headers).get_data(as_text=True)
    assert "Nowa lista" in index and "Utwórz listę" in index
    # A flash message after an action is in Polish too.
    renamed = client.post(
        f"/shortlists/{shortlist.id}/rename",
        data={"name": "Szkoły"},
        headers=headers,
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Lista nazywa się teraz „Szkoły”." in renamed


def test_the_search_page_speaks_german(client):
    """Headings, labels, buttons, counts and the error summary of /search, in German."""
    headers = {"Accept-Language": "de"}
    page = client.get("/search?q=Grooming&year_to=2020", headers=headers).get_data(as_text=True)
    for text in (
        "<title>Suche: Grooming",
        "<h1>Maßnahmen suchen</h1>",
        '<label for="search-q">Suchbegriffe</label>',
        ">Suchen</button>",
        '<h2 id="filters-heading">Eingrenzen</h2>',
        '<summary>Filter und Sortierung <span class="filter-count">(1 ausgewählt)</span>',
        '<label for="search-sort">Sortieren nach</label>',
        '<option value="relevance" selected>Relevanz</option>',
        '<option value="">Jede Stufe</option>',
        "<legend>Begonnen zwischen</legend>",
        ">Filter anwenden</button>",
        '<h2 id="results-heading">Ergebnisse</h2>',
        "Keine Maßnahmen zu „Grooming“ gefunden.",
        "<h3>Aktive Filter</h3>",
        "„Begonnen bis 2020“ entfernen",
        "Versuchen Sie es mit weniger oder anderen Wörtern",
    ):
        assert text in page, text

    refused = client.get("/search?year_from=abc", headers=headers)
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "<h2>Es gibt ein Problem</h2>" in page
    assert '<a href="#search-year-from">„Begonnen ab“ muss eine ganze Zahl sein.</a>' in page
    assert "Beheben Sie das Problem oben und suchen Sie erneut." in page

"""Every converted page renders in each complete language, in that language."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from app.accounts.models import Role
from app.audit.services import record_event
from app.compare import services as shortlists
from app.core.extensions import db
from app.evidence.study_rating import rate_study
from app.evidence.wording import evidence_in_readers_language
from app.measures.services import submit_measure
from app.moderation.services import decide
from app.reviews.models import Review
from tests.conftest import make_measure, make_user
from tests.i18n.test_catalogues import COMPLETE, catalogue
from tests.reviews.conftest import form_post, sign_in

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
        "/docs/api",
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
    # The best study's rating with its reason, said by the rules in Polish.
    best = html[html.index('id="aspect-best_rating"') :]
    assert "randomizowane" in best[: best.index("</tr>")]
    for english in (
        "Evidence level and why",
        "Same for all",
        "Differs<",
        "Not stated",
        "attrition",
    ):
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


# --- moderation, audit and reviews -------------------------------------------------------------

MODERATION_PAGES = {
    "/moderation/": "Moderation queue",
    "/moderation/expert-review": "Expert review",
    "/moderation/evidence": "Evidence checks",
    "/moderation/audit": "Audit log",
}


def translated(language: str, message: str) -> str:
    found = catalogue(language).get(message)
    assert found is not None and found.string, (language, message)
    return found.string


def visible_text(response) -> str:
    return _text(response.get_data(as_text=True))


@pytest.mark.parametrize("language", COMPLETE)
def test_moderation_pages_render_in_the_language(client, language):
    owner = make_user(Role.PRACTITIONER, email=f"owner-{language}@example.org")
    moderator = make_user(Role.MODERATOR, email=f"mod-{language}@example.org", organisation="Hub")
    measure = make_measure(owner)
    submit_measure(owner, measure)
    db.session.commit()
    sign_in(client, moderator)
    headers = {"Accept-Language": language}
    for path, heading in {**MODERATION_PAGES, f"/moderation/measures/{measure.id}": None}.items():
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert SKIP_LINK[language] in page, path
        if heading:
            assert f"<h1>{escape(translated(language, heading))}</h1>" in page, path


def test_the_queue_and_the_audit_log_in_german(client):
    owner = make_user(Role.PRACTITIONER, email="owner-de@example.org")
    moderator = make_user(Role.MODERATOR, email="mod-de@example.org", organisation="Hub")
    measure = make_measure(owner)
    submit_measure(owner, measure)
    db.session.commit()
    sign_in(client, moderator)
    german = {"Accept-Language": "de"}

    queue = visible_text(client.get("/moderation/", headers=german))
    assert "Moderationswarteschlange" in queue
    assert "1 Maßnahme, älteste Einreichung zuerst" in queue
    assert "Eingereicht" in queue and "Neue Maßnahme" in queue
    assert "Moderation queue" not in queue

    refused = client.post(
        f"/moderation/measures/{measure.id}/publish", data={"comment": " "}, headers=german
    )
    assert refused.status_code == 422
    assert "Schreiben Sie einen Kommentar: Der Eigentümer und das Prüfprotokoll lesen ihn." in (
        visible_text(refused)
    )

    # The level's explanation on the review page, said by the rules in German.
    review = visible_text(client.get(f"/moderation/measures/{measure.id}", headers=german))
    assert "Warum diese Stufe" in review and "günstige Befunde" in review
    assert "favourable findings" not in review and "What would raise it" not in review

    decide(moderator, measure, "publish", "Gut belegt.")
    record_event(moderator, "report.attached", "measure", measure.id, size_bytes=2048)
    db.session.commit()
    log = visible_text(client.get("/moderation/audit", headers=german))
    assert "Prüfprotokoll" in log
    assert "Zeit (UTC) Ausgeführt von Aktion Objekt Details" in log
    # The audit wording: actions, objects, detail names and values in German, no raw codes.
    assert "Die Maßnahme veröffentlicht" in log
    assert "Die Maßnahme zur Prüfung eingereicht" in log
    assert "Einen Bericht angehängt" in log
    assert f"Maßnahme {measure.id}" in log
    assert "Dateigröße 2 KB" in log
    assert "Erstellt über das Webformular" in log
    for code in ("measure.published", "measure.submitted", "size_bytes", "Submitted the measure"):
        assert code not in log

    history = visible_text(client.get(f"/moderation/measures/{measure.id}", headers=german))
    assert "Verlauf" in history
    assert "Die Maßnahme veröffentlicht –" in history


def test_a_review_form_error_in_polish(client):
    owner = make_user(Role.PRACTITIONER, email="owner-pl@example.org", organisation="Org A")
    measure = make_measure(owner, publish=True)
    reviewer = make_user(Role.PRACTITIONER, email="reviewer-pl@example.org", organisation="Org P")
    db.session.commit()
    sign_in(client, reviewer)
    response = client.post(
        f"/measures/{measure.id}/reviews",
        data=form_post(comment="Za krótko", effectiveness=None),
        headers={"Accept-Language": "pl"},
    )
    assert response.status_code == 200
    shown = visible_text(response)
    assert "Napisz co najmniej 10 znaków." in shown
    assert "Wybierz ocenę od 1 do 5." in shown
    assert "Skuteczność w praktyce" in shown
    assert "Write at least" not in shown and "Choose a score" not in shown
    assert review_count(measure) == 0


def review_count(measure) -> int:
    return db.session.scalar(select(func.count(Review.id)).where(Review.measure_id == measure.id))


# --- the measure form and the record's words ---------------------------------------------------


def test_the_submission_form_in_german_shows_german_labels_help_and_errors(client):
    from tests.measures.conftest import field_error, form_data, sign_in, summary_errors

    sign_in(client, make_user(Role.PRACTITIONER, email="form-de@example.org"))
    german = {"Accept-Language": "de"}
    page = client.get("/measures/new", headers=german).text
    assert '<label for="title">Titel</label>' in page
    assert "Eine Zusammenfassung als reiner Text, 20 bis 1.000 Zeichen." in page  # help text
    assert "Eltern und Betreuungspersonen" in page  # a target group's checkbox
    assert '<option value="">Ebene wählen</option>' in page
    assert "Parents and carers" not in page

    answer = client.post("/measures/new", data=form_data(title="", age_max=3), headers=german)
    assert answer.status_code == 200
    assert field_error(answer.text, "title") == "ist erforderlich"
    # The rule between two keys names the other by its German label, never "age_min".
    assert field_error(answer.text, "age_max") == "darf nicht kleiner sein als Mindestalter (6)"
    assert summary_errors(answer.text) == [
        "Das Feld „Titel“ ist erforderlich",
        "Das Feld „Höchstes Alter“ darf nicht kleiner sein als Mindestalter (6)",
    ]


def test_the_country_select_in_polish_names_and_sorts_countries_in_polish(client):
    import re

    from tests.measures.conftest import sign_in

    sign_in(client, make_user(Role.PRACTITIONER, email="form-pl@example.org"))
    page = client.get("/measures/new", headers={"Accept-Language": "pl"}).text
    assert '<option value="DE">Niemcy</option>' in page  # an evaluation's country
    names = re.findall(
        r'value="(\w\w)"> <label class="inline-label" for="countries-\d+">([^<]+)<', page
    )
    eu = [name for _code, name in names[:27]]
    assert dict(names)["DE"] == "Niemcy"
    # Polish order: "Łotwa" after "Luksemburg", not among the L's by its base letter.
    assert eu.index("Litwa") < eu.index("Luksemburg") < eu.index("Łotwa") < eu.index("Malta")


def test_a_vocabulary_label_shows_in_french_on_the_measure_page(client):
    owner = make_user(Role.PRACTITIONER, email="owner-labels@example.org")
    measure = make_measure(owner, publish=True, target_groups=["parents_carers"])
    page = client.get(f"/measures/{measure.id}", headers={"Accept-Language": "fr"}).text
    assert "Parents et personnes qui s’occupent d’enfants" in page
    assert "Parents and carers" not in page
    english = client.get(f"/measures/{measure.id}").text
    assert "Parents and carers" in english


def test_a_state_inside_a_sentence_keeps_the_capital_german_gives_its_nouns(client):
    from tests.measures.conftest import sign_in

    owner = make_user(Role.PRACTITIONER, email="owner-state@example.org")
    measure = make_measure(owner)
    sign_in(client, owner)
    german = client.get(f"/measures/{measure.id}", headers={"Accept-Language": "de"}).text
    assert "(Entwurf)" in german and "(entwurf)" not in german
    english = client.get(f"/measures/{measure.id}").text
    assert "(draft)" in english


# The evidence explanations are said in the reader's language; what is stored and served as
# JSON stays English.
METHODOLOGY_WORDS = {
    "de": ("Gut belegt", "Stufe 5 setzt günstige Befunde zu T1- oder T2-Zielgrößen"),
    "pl": ("Dobrze potwierdzone", "Poziom 5 wymaga korzystnych ustaleń"),
    "fr": ("Bien étayée", "Le niveau 5 exige des constats favorables"),
    "es": ("Bien respaldada", "El nivel 5 requiere hallazgos favorables"),
    "it": ("Ben supportata", "Il livello 5 richiede riscontri favorevoli"),
    "nl": ("Goed onderbouwd", "Niveau 5 vereist gunstige bevindingen"),
    "pt": ("Bem fundamentada", "O nível 5 exige achados favoráveis"),
    "sv": ("Väl underbyggd", "Nivå 5 kräver gynnsamma fynd"),
    "cs": ("Dobře podložené", "Úroveň 5 vyžaduje příznivá zjištění"),
}


@pytest.mark.parametrize("language", COMPLETE)
def test_the_methodology_page_says_the_scale_and_the_rules_in_the_language(client, language):
    page = client.get("/evidence", headers={"Accept-Language": language}).get_data(as_text=True)
    level_5, rule_5 = METHODOLOGY_WORDS[language]
    assert level_5 in page
    assert rule_5 in page
    assert "Well supported" not in page
    assert "Level 5 needs favourable findings" not in page


def test_the_methodology_page_in_german_rates_its_examples_in_german(client):
    page = client.get("/evidence", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Nicht evaluiert" in page and "Vielversprechend" in page  # the scale
    # A worked example's study rating and a rating rule's example, computed in German.
    assert "mittel: randomisiert, aber 28 % Ausfall; Gleichwertigkeit der Gruppen zu Beginn" in page
    assert "Stufe 3, Vielversprechend: ein günstiger Befund" in page
    assert "Für Stufe 5 müssen die Nachbeobachtung von 12 Monaten" in page  # a decision
    assert (
        "Schwellenwerte gelten genau wie geschrieben: 20 % Ausfall besteht, 20,1 % nicht." in page
    )


def test_a_measure_page_in_spanish_explains_the_level_in_spanish(app, client):
    measure = make_measure(make_user(Role.PRACTITIONER, email="es-owner@example.org"), publish=True)
    headers = {"Accept-Language": "es"}
    page = client.get(f"/measures/{measure.id}", headers=headers).get_data(as_text=True)
    assert "Preliminar" in page  # the label, on the badge and the ladder
    assert (
        "Nivel 2, Preliminar: 2 hallazgos favorables de estudios calificados como bajos, ninguno"
        " de uno calificado como alto o moderado." in page
    )
    assert "aleatorizado, 10 % de abandono, pero no se indica la diferencia" in page  # rating
    assert "Un hallazgo favorable de un estudio calificado como alto o moderado alcanzaría" in page
    assert "Level 2, Preliminary" not in page
    # The stored result and the API stay English, whoever asked.
    db.session.refresh(measure)
    assert measure.published_revision.evidence["decision"].startswith("Level 2, Preliminary: ")
    body = client.get(f"/api/v1/measures/{measure.id}", headers=headers).get_json()
    assert body["evidence_label"] == "Preliminary"
    english = client.get(f"/measures/{measure.id}", headers={"Accept-Language": "en"})
    assert "Level 2, Preliminary: 2 favourable findings" in english.get_data(as_text=True)


def test_the_feed_speaks_the_readers_language_and_says_so(client):
    make_measure(make_user(Role.PRACTITIONER, email="feed-owner@example.org"), publish=True)
    response = client.get("/feeds/measures.atom", headers={"Accept-Language": "de"})
    feed = response.get_data(as_text=True)
    assert 'xml:lang="de"' in feed
    assert "Prevent-Hub: neu veröffentlichte Maßnahmen" in feed
    assert "Evidenzstufe 2 von 5: Vorläufig" in feed
    assert {"Accept", "Accept-Language", "Cookie"} <= set(response.vary)
    english = client.get("/feeds/measures.atom").get_data(as_text=True)
    assert 'xml:lang="en"' in english and "Evidence level 2 of 5: Preliminary" in english


def test_a_study_rating_writes_its_figures_as_the_reader_does(app):
    trial = {"design": "rct", "sample_size": 80, "attrition_pct": 20.5}
    with app.test_request_context(headers={"Accept-Language": "de"}):
        with evidence_in_readers_language():
            german = rate_study(trial).reason
        english = rate_study(trial).reason  # as stored and served by the API
    assert german.startswith("niedrig: randomisiert, aber 20,5 % Ausfall; ")
    assert english.startswith("low: randomised, but 20.5 % attrition; ")

"""Every converted page renders in each complete language, in that language."""

from __future__ import annotations

import pytest

from app.accounts.models import Role
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
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        assert SKIP_LINK[language] in response.get_data(as_text=True), path

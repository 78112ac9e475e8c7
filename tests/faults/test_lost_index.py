"""The whole search_index/ folder is lost while the app runs with its index keeper off
(SEARCH_KEEPER=0; with it on, tests/faults/test_self_heal.py): pages keep answering (search
says the index is not built, without a Retry-After that nothing would honour; the API answers
503; nothing answers 500), changes are still accepted, and `flask search rebuild` brings the
index back with `flask search check` clean."""

from __future__ import annotations

import shutil

from app.accounts.models import Role
from app.core.extensions import db
from app.measures.services import submit_measure
from tests.conftest import make_measure, make_user
from tests.faults.conftest import seed_people, text_of

WORD = "zqlostindex"


def _seed(instance, published: int, submitted: int) -> tuple[list[int], list[int]]:
    app = instance.app(SEARCH_SYNC_ON_COMMIT=False)
    with app.app_context():
        owner = make_user(Role.PRACTITIONER, organisation="Org A")
        shown = [
            make_measure(owner, publish=True, title=f"Published {WORD} programme {n}").id
            for n in range(published)
        ]
        waiting = []
        for n in range(submitted):
            measure = make_measure(owner, title=f"Waiting {WORD} programme {n}")
            submit_measure(owner, measure)
            db.session.commit()
            waiting.append(measure.id)
        db.session.remove()
        db.engine.dispose()
    return shown, waiting


def test_a_lost_index_keeps_the_app_answering_and_rebuild_brings_it_back(instance):
    people = seed_people(instance, writers=1)
    shown, waiting = _seed(instance, published=12, submitted=1)
    instance.flask("search", "sync")  # builds the missing index
    server = instance.start_server(workers=2)
    web = server.session()
    found = web.get(f"{server.base}/api/v1/search", params={"q": WORD}, timeout=30)
    assert found.status_code == 200 and found.json()["total"] == 12

    shutil.rmtree(instance.index_dir)

    page = web.get(f"{server.base}/search", params={"q": WORD}, timeout=30)
    assert page.status_code in (200, 503), text_of(page.text)[:500]
    assert "has not been built" in text_of(page.text)
    api = web.get(f"{server.base}/api/v1/search", params={"q": WORD}, timeout=30)
    assert api.status_code == 503, api.text
    assert "Retry-After" not in api.headers  # nothing is building it
    assert web.get(f"{server.base}/", timeout=30).status_code == 200
    assert web.get(f"{server.base}/measures/{shown[0]}", timeout=30).status_code == 200

    # A moderator still publishes: the change is kept and reaches the rebuilt index.
    moderator = server.sign_in(people.moderator)
    published = moderator.post(
        f"{server.base}/moderation/measures/{waiting[0]}/publish",
        data={"comment": "Checked while the index was lost."},
        allow_redirects=False,
        timeout=30,
    )
    assert published.status_code == 302, text_of(published.text)[:500]
    assert "Traceback" not in server.log_text()
    # The publish did not start a new index holding only itself, which would hide the loss.
    lost = web.get(f"{server.base}/api/v1/search", params={"q": WORD}, timeout=30)
    assert lost.status_code == 503

    drift = instance.flask("search", "check", check=False)
    assert drift.returncode == 1, drift.stdout

    rebuilt = instance.flask("search", "rebuild")
    assert "Indexed 13 measure(s)" in rebuilt.stdout
    assert "No drift." in instance.flask("search", "check").stdout
    found = web.get(f"{server.base}/api/v1/search", params={"q": WORD}, timeout=30)
    assert found.status_code == 200 and found.json()["total"] == 13
    page = web.get(f"{server.base}/search", params={"q": WORD}, timeout=30)
    assert page.status_code == 200 and "has not been built" not in text_of(page.text)

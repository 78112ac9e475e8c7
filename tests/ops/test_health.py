"""/healthz: 200 when the database, the search index and the outbox are fine; 503 naming the
part that is not."""

from __future__ import annotations

from datetime import timedelta

from app.core.dbtypes import utcnow
from app.core.extensions import db
from app.outbox.models import IndexChange
from app.search import get_backend
from app.search.indexer import sync, sync_paused
from app.search.outbox import consumer_name
from tests.conftest import make_measure


def _pending(created_at) -> None:
    sync()  # the (emptied) index is built; only the row below is pending
    # Paused: the after-commit sync would apply the row at once, and this row must wait.
    with sync_paused():
        db.session.add(
            IndexChange(
                consumer=consumer_name(), measure_id=12345, op="upsert", created_at=created_at
            )
        )
        db.session.commit()


def test_healthy_host_answers_200_with_every_check(client):
    make_measure(publish=True)
    response = client.get("/healthz")
    assert response.status_code == 200
    report = response.get_json()
    assert report["status"] == "ok"
    assert report["failing"] == []
    checks = report["checks"]
    assert checks["database"]["ok"] is True
    assert checks["search_index"] == {
        "ok": True,
        "backend": "whoosh",
        "documents": 1,
        "state": "ready",
        "keeper": "off",  # the tests turn the index keeper off (SEARCH_KEEPER)
    }
    assert checks["index_lag"]["depth"] == 0
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_fresh_pending_changes_are_reported_but_healthy(client):
    _pending(utcnow())
    response = client.get("/healthz")
    assert response.status_code == 200
    lag = response.get_json()["checks"]["index_lag"]
    assert lag["ok"] is True
    assert lag["depth"] == 1


def test_a_change_waiting_longer_than_the_limit_fails_index_lag(client, app):
    _pending(utcnow() - timedelta(seconds=app.config["HEALTH_MAX_INDEX_LAG_SECONDS"] + 60))
    response = client.get("/healthz")
    assert response.status_code == 503
    report = response.get_json()
    assert report["status"] == "failing"
    assert report["failing"] == ["index_lag"]
    lag = report["checks"]["index_lag"]
    assert lag["depth"] == 1
    assert lag["oldest_age_seconds"] > app.config["HEALTH_MAX_INDEX_LAG_SECONDS"]


def _get_healthz(app):
    with app.app_context():
        return app.test_client().get("/healthz")


def test_a_missing_search_index_fails_search_index(app, make_app, tmp_path):
    # `app` for the schema: this host's index is missing, its database is fine.
    host = make_app(SEARCH_INDEX_DIR=str(tmp_path / "never-built"))
    response = _get_healthz(host)
    assert response.status_code == 503
    report = response.get_json()
    assert report["failing"] == ["search_index"]
    assert "flask search sync" in report["checks"]["search_index"]["error"]
    assert report["checks"]["search_index"]["state"] == "missing"


def test_a_build_under_way_is_reported_with_how_far_it_got(app, make_app, tmp_path):
    host = make_app(SEARCH_INDEX_DIR=str(tmp_path / "being-built"))
    with host.app_context():
        store = get_backend().store
        # What a builder does (WhooshBackend.rebuild): the writer lock, then its progress.
        with get_backend().writer_lock(5.0):
            store.write_progress(40, 120)
            building = host.test_client().get("/healthz")
        after = host.test_client().get("/healthz")
    assert building.status_code == 503
    index = building.get_json()["checks"]["search_index"]
    assert index["state"] == "rebuilding"
    assert index["rebuild"] == {"done": 40, "total": 120}
    # The builder is gone (killed, say) and left its progress file: nobody builds now.
    index = after.get_json()["checks"]["search_index"]
    assert index["state"] == "missing" and "rebuild" not in index


def test_an_unreachable_database_fails_database_without_leaking_its_address(make_app, tmp_path):
    missing = tmp_path / "no-such-folder" / "secret-name.db"
    response = _get_healthz(make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{missing}"))
    assert response.status_code == 503
    report = response.get_json()
    assert "database" in report["failing"]
    assert report["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert b"secret-name" not in response.data

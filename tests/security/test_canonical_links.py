"""Reset-link poisoning (issue 15): links in mails, the Atom feed and the CSV `url` column come
from the configured address, never from the request's Host header; other hosts are refused."""

from __future__ import annotations

import csv
import io
import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from app import create_app
from config import ProductionConfig
from tests.conftest import make_measure, make_user

ATTACKER = "http://attacker.example"


def _newest_mail_body(app, to: str) -> str:
    parser = BytesParser(policy=policy.default)
    bodies = [
        parser.parsebytes(path.read_bytes())
        for path in sorted(Path(app.config["MAIL_DIR"]).glob("*.eml"))
    ]
    mine = [m for m in bodies if m["To"] == to]
    assert mine, f"no mail to {to}"
    return mine[-1].get_content()


def test_reset_mail_ignores_a_forged_host(app, client):
    """The attack: POST /account/reset with Host: attacker.example. The link goes to the
    configured host (SERVER_NAME=localhost in the tests), not the attacker's."""
    user = make_user()
    answer = client.post("/account/reset", data={"email": user.email}, base_url=ATTACKER)
    assert answer.status_code == 200
    body = _newest_mail_body(app, user.email)
    assert "attacker.example" not in body
    assert re.search(r"http://localhost/account/reset/\S+", body)


def test_with_base_url_other_hosts_are_refused(app, make_app):
    user = make_user()
    hub = make_app(BASE_URL="https://hub.example.org/")
    with hub.test_client() as client:
        refused = client.post("/account/reset", data={"email": user.email}, base_url=ATTACKER)
        assert refused.status_code == 400
        answer = client.post(
            "/account/reset", data={"email": user.email}, base_url="https://hub.example.org"
        )
        assert answer.status_code == 200
    body = _newest_mail_body(app, user.email)
    assert re.search(r"https://hub\.example\.org/account/reset/\S+", body)


def test_trusted_hosts_can_be_configured(make_app):
    hub = make_app(BASE_URL="https://hub.example.org", TRUSTED_HOSTS="hub.example.org, 10.0.0.5")
    assert hub.config["TRUSTED_HOSTS"] == ["hub.example.org", "10.0.0.5"]
    assert hub.test_client().get("/healthz", base_url="http://10.0.0.5").status_code != 400


def test_atom_feed_links_ignore_a_forged_host(app, client):
    make_measure(make_user(), publish=True)
    feed = client.get("/feeds/measures.atom", base_url=ATTACKER)
    assert feed.status_code == 200
    assert b"attacker.example" not in feed.data
    assert b'href="http://localhost/measures/' in feed.data


@pytest.mark.commits  # the export searches the index, which reads with sessions of its own
def test_csv_url_column_ignores_a_forged_host(app, client):
    measure = make_measure(make_user(), publish=True)
    answer = client.get(f"/export/search.csv?q=&codes=1&ids={measure.id}", base_url=ATTACKER)
    assert answer.status_code == 200, answer.data[:300]
    rows = list(csv.DictReader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert rows and all(row["url"].startswith("http://localhost/measures/") for row in rows)


@pytest.mark.parametrize("missing", [{}, {"SERVER_NAME": None}])
def test_production_refuses_to_start_without_a_canonical_address(app_config, monkeypatch, missing):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "a-long-random-production-secret")
    settings = {**app_config, "SERVER_NAME": None, "BASE_URL": None, **missing}
    with pytest.raises(RuntimeError, match="BASE_URL"):
        create_app("production", settings)
    assert create_app("production", {**settings, "BASE_URL": "https://hub.example.org"})

"""Fixtures of the backup tests: a fresh database beside the suite's (SQLite file or a new
PostgreSQL database on the same server), for the instance a backup is restored into."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import postgres_test_database


@pytest.fixture()
def fresh_database_url(database_url: str, tmp_path) -> Iterator[str]:
    if not database_url.startswith("postgresql"):
        (tmp_path / "restored").mkdir()
        yield f"sqlite:///{tmp_path / 'restored' / 'prevent_hub.db'}"
        return
    yield from postgres_test_database(database_url, "prevent_hub_restore")

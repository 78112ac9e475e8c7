"""Password hashes: argon2id at no less than OWASP's minimum outside the test suite."""

from __future__ import annotations

from argon2 import extract_parameters

from app import create_app
from app.accounts.passwords import hash_password, verify_password


def test_production_hashes_use_argon2id_at_owasp_minimum_cost(tmp_path):
    app = create_app("development", {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    with app.app_context():
        hashed = hash_password("correct horse battery")
        assert verify_password(hashed, "correct horse battery")
        assert not verify_password(hashed, "correct horse batterY")
    params = extract_parameters(hashed)
    assert hashed.startswith("$argon2id$")
    assert params.memory_cost >= 19456 and params.time_cost >= 2


def test_hashes_made_at_another_cost_still_verify(app):
    from argon2 import PasswordHasher

    old = PasswordHasher().hash("an older password")  # argon2-cffi's defaults
    assert verify_password(old, "an older password")

"""Prevent-Hub: the prevention best-practice repository."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from config import BASE_DIR, CONFIGS


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app; `config_name` defaults to $APP_CONFIG, then "development"."""
    config_name = config_name or os.environ.get("APP_CONFIG") or "development"
    if config_name not in CONFIGS:
        raise RuntimeError(f"APP_CONFIG must be one of {', '.join(CONFIGS)}, not {config_name!r}")
    config_class = CONFIGS[config_name]
    app = Flask(
        __name__,
        instance_path=str(BASE_DIR / "instance"),
        template_folder=str(BASE_DIR / "templates"),
    )
    app.config.from_object(config_class)
    app.config["CONFIG_NAME"] = config_name
    app.config.update(overrides or {})
    if config_name == "production" and hasattr(config_class, "check"):
        config_class.check(app.config)  # type: ignore[attr-defined]
    from app.core.urls import trusted_hosts

    # Other Host headers are refused with 400 (Flask >= 3.1 checks TRUSTED_HOSTS).
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    for key in ("UPLOAD_DIR", "MAIL_DIR"):
        Path(app.config[key]).mkdir(parents=True, exist_ok=True)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from app.core.routing import init_routing

    init_routing(app)
    _init_extensions(app)
    _register_blueprints(app)
    from app import templating
    from app.core.errors import init_errors
    from app.core.i18n import init_i18n
    from app.core.security import init_security
    from app.core.transaction import init_transactions
    from app.deploy import init_deploy
    from app.search import init_search

    init_i18n(app)
    init_security(app)
    init_errors(app)
    init_search(app)
    from app.measures.report_text import init_report_text

    init_report_text(app)
    init_deploy(app)  # reverse-proxy headers
    templating.init_templating(app)
    init_transactions(app)  # last: its hook must run before every other after-request hook
    return app


def _init_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (every model registered before migrations look)
    from app.core.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"

    from app.accounts.services import load_session_user

    login_manager.user_loader(load_session_user)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from app.core.dbsqlite import enable_sqlite_pragmas

        with app.app_context():
            enable_sqlite_pragmas(db.engine)


def _register_blueprints(app: Flask) -> None:
    from app.accounts.cli import users_cli
    from app.accounts.views import bp as accounts_bp
    from app.api.docs import bp as api_docs_bp
    from app.api.views import bp as api_bp
    from app.api_tokens.views import bp as api_tokens_bp
    from app.backup.cli import backup_cli
    from app.compare.shortlist_views import bp as shortlists_bp
    from app.compare.views import bp as compare_bp
    from app.dashboard.views import bp as dashboard_bp
    from app.demo.cli import demo_cli
    from app.evidence.views import bp as evidence_bp
    from app.feeds.views import bp as feeds_bp
    from app.health import bp as health_bp
    from app.main.views import bp as main_bp
    from app.measures.cli import evidence_cli, measures_cli
    from app.measures.views import bp as measures_bp
    from app.moderation.views import bp as moderation_bp
    from app.moderation.views import owner_bp as rereview_bp
    from app.privacy.views import bp as privacy_bp
    from app.reviews.views import bp as reviews_bp
    from app.search.cli import search_cli, sync_at_end
    from app.search.views import bp as search_bp

    for bp in (
        main_bp,
        accounts_bp,
        measures_bp,
        moderation_bp,
        rereview_bp,
        search_bp,
        api_bp,
        compare_bp,
        shortlists_bp,
        dashboard_bp,
        feeds_bp,
        reviews_bp,
        privacy_bp,
        api_tokens_bp,
        api_docs_bp,
        health_bp,
        evidence_bp,
    ):
        app.register_blueprint(bp)
    for group in (users_cli, measures_cli, evidence_cli, demo_cli, search_cli, backup_cli):
        app.cli.add_command(group)
    # These leave a searchable instance: they sync the search index when they end.
    for command in (demo_cli.commands["load"], measures_cli.commands["import"]):
        sync_at_end(command)

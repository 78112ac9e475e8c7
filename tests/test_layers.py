"""The import contracts of pyproject.toml ([tool.importlinter]), the layering of README "How the
code is laid out": layers import downward only, and only the app factory imports the transport.

On failure the report names the broken rule, then each import that broke it (importer ->
imported, with its line).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from importlinter import api  # noqa: F401  (configures import-linter's settings)
from importlinter.adapters.building import GraphBuilder
from importlinter.application import use_cases
from importlinter.application.app_config import settings

CONFIG = str(Path(__file__).resolve().parents[1] / "pyproject.toml")
LAYERS = "Layers import downward only"
TRANSPORT = "Only the app factory imports the API, page views and CLI commands"


def lint(capsys: pytest.CaptureFixture[str]) -> tuple[bool, str]:
    passed = use_cases.lint_imports(config_filename=CONFIG, cache_dir=None, no_logo=True)
    return passed, capsys.readouterr().out


def test_every_import_runs_the_way_the_layers_allow(capsys):
    passed, report = lint(capsys)
    assert passed, report


class _WithOneMoreImport(GraphBuilder):
    """The real import graph plus one import: what the graph would be had someone written it."""

    def __init__(self, importer: str, imported: str) -> None:
        self.importer, self.imported = importer, imported

    def build(self, *args, **kwargs):
        graph = super().build(*args, **kwargs)
        graph.add_import(
            importer=self.importer,
            imported=self.imported,
            line_number=1,
            line_contents=f"import {self.imported}",
        )
        return graph


@pytest.mark.parametrize(
    ("importer", "imported", "rule"),
    [
        ("app.core.errors", "app.records.schema", LAYERS),  # the core imports a feature
        ("app.audit.services", "app.accounts.models", LAYERS),
        ("app.measures.services", "app.moderation.services", LAYERS),  # a feature from above
        ("app.records.schema", "app.measures.models", LAYERS),
        ("app.search.services", "app.api.limits", LAYERS),  # a feature imports the API
        ("app.measures.services", "app.measures.views", TRANSPORT),  # ... its own pages
        ("app.compare.views", "app.accounts.views", TRANSPORT),  # pages import other pages
        ("app.api.compare", "app.compare.views", TRANSPORT),  # the API imports pages
        ("app.privacy.services", "app.api_tokens.views", TRANSPORT),
        ("app.demo.accounts", "app.accounts.cli", TRANSPORT),
    ],
)
def test_an_import_the_wrong_way_fails_naming_the_rule_and_the_import(
    capsys, importer, imported, rule
):
    real_builder = settings.GRAPH_BUILDER
    settings.configure(GRAPH_BUILDER=_WithOneMoreImport(importer, imported))
    try:
        passed, report = lint(capsys)
    finally:
        settings.configure(GRAPH_BUILDER=real_builder)
    assert not passed
    broken = report.split("Broken contracts", 1)[1]
    assert rule in broken
    assert f"{importer} -> {imported} (l.1)" in broken

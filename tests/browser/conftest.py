"""Browser tests: Debian's Chromium driven by Playwright against a live server thread.

Every page a test visits is checked with axe-core (WCAG 2.1 A/AA tags): no serious or
critical violation may appear, and no console error (CSP violations show up there).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "chromium_sandbox": False,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture()
def live_server(app):
    app.config["SERVER_NAME"] = None
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    app.config["SERVER_NAME"] = "localhost"


class PageChecker:
    """Collects console errors and runs axe on each page visited."""

    def __init__(self, page):
        self.page = page
        self.console_errors: list[str] = []
        self.visited: list[str] = []
        page.on(
            "console",
            lambda msg: self.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        self._axe = Axe()

    def check(self, name: str) -> None:
        """Screenshot the page, then assert axe finds nothing serious and the console is clean.

        Call it once the page is known to be the new one (an `expect` on something only it has):
        this then waits for its load event, as axe and the screenshot need its stylesheets too.
        """
        self.page.wait_for_load_state()
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        results = self._axe.run(
            self.page,
            options={
                "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
            },
        )
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        self.visited.append(self.page.url)
        assert bad == [], f"axe on {self.page.url}:\n" + "\n".join(bad)
        errors = self.console_errors
        assert errors == [], f"console errors on {self.page.url}: {errors}"


@pytest.fixture()
def checker(page) -> PageChecker:
    return PageChecker(page)

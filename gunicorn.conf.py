"""gunicorn settings for Prevent-Hub: `gunicorn -c gunicorn.conf.py` (docs/deploying.md).

Every setting can be changed from the environment, so one file serves every host:

    GUNICORN_BIND      address to listen on (default 127.0.0.1:$PORT, PORT default 8000);
                       0.0.0.0:8000 when a load balancer on another machine connects
    GUNICORN_WORKERS   worker processes (default: one per core, at least 2; WEB_CONCURRENCY too)
    GUNICORN_THREADS   threads per worker (default 4)
    GUNICORN_TIMEOUT   seconds a worker may stay silent before it is replaced (default 30)
    GUNICORN_PRELOAD   0 to import the app in each worker instead of once in the master
    GUNICORN_CONTROL_SOCKET  a path for gunicornc's control socket (default: none)
    FORWARDED_ALLOW_IPS  proxies whose X-Forwarded-Proto is trusted (gunicorn's own variable)
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from gunicorn.glogging import Logger

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `app` and `config` from this repo


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "app:create_app()"
bind = [os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{_int('PORT', 8000)}"]

# The work is mostly Python (page rendering, the search engine): one process per core uses
# the cores; a few threads each cover waits on the database and slow clients without more
# memory. Two workers at least, so one busy or restarting worker does not stop the host.
workers = _int("GUNICORN_WORKERS", _int("WEB_CONCURRENCY", max(2, os.cpu_count() or 1)))
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)

timeout = _int("GUNICORN_TIMEOUT", 30)  # a report upload of 20 MB fits well inside
graceful_timeout = 30  # let requests in flight finish on SIGTERM / a deploy
keepalive = 5  # keep it above the proxy's idle timeout for upstream keep-alive connections

# Recycle workers now and then against slow memory growth; the jitter keeps them from all
# restarting at once.
max_requests = 5000
max_requests_jitter = 500

# Request lines longer than this get 414 (8190 is gunicorn's ceiling); long search URLs with
# many filters stay well below it. Documented in the OpenAPI description.
limit_request_line = 8190

# Load the app once in the master: a broken configuration stops the start instead of a loop
# of dying workers, and workers start fast. What the master opened is dropped after the fork
# (post_worker_init), so no database connection or search index handle is shared.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"

# gunicorn's control socket (for gunicornc) defaults to one path per user, so two instances on
# one machine would take it from each other: off unless GUNICORN_CONTROL_SOCKET names a path.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True

# --- logging ---------------------------------------------------------------------------------

accesslog = "-"
errorlog = "-"
# No query string, no referrer: both can carry secrets (reset and verification links, shared
# shortlist tokens, search terms); tokens in paths are masked by RedactingLogger below.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'

# Paths whose last segment is a secret: e-mail verification, password reset, shared shortlists.
_SECRET_PATH = re.compile(r"^(/account/verify/|/account/reset/|/shortlists/shared/)[^/]+")


def redact_path(path: str) -> str:
    return _SECRET_PATH.sub(r"\1[redacted]", path)


class RedactingLogger(Logger):
    """gunicorn's logger, with secret tokens in paths masked and the query dropped."""

    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact_path(atoms.get("U", ""))
        atoms["r"] = f"{atoms.get('m', '-')} {atoms['U']} {atoms.get('H', '-')}"
        atoms["q"] = atoms["f"] = "-"
        return atoms


logger_class = RedactingLogger

# --- hooks -----------------------------------------------------------------------------------


def on_starting(server):  # type: ignore[no-untyped-def]
    """Refuse per-process rate limits in production with more than one worker."""
    storage = os.environ.get("RATELIMIT_STORAGE_URI") or "memory://"
    if storage.startswith("memory") and server.cfg.workers > 1:
        message = (
            f"RATELIMIT_STORAGE_URI is {storage!r} with {server.cfg.workers} workers: each "
            "worker would count sign-in attempts on its own. Set it to a shared store, e.g. "
            "redis://127.0.0.1:6379/0."
        )
        if os.environ.get("APP_CONFIG") == "production":
            raise RuntimeError(message)
        server.log.warning(message)


def when_ready(server):  # type: ignore[no-untyped-def]
    """With the app preloaded, build what the workers will share before they are forked."""
    if server.cfg.preload_app:
        from app.deploy import before_fork

        before_fork()


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    from app.deploy import after_fork

    after_fork(worker.wsgi)

"""Public pages: home, the browse list of published measures and the language switcher."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from app.accounts.language import remember_language
from app.core import i18n
from app.core.extensions import db
from app.core.paging import is_ascii_number
from app.core.redirects import safe_next_url
from app.core.security import public
from app.measures.models import Measure, MeasureRevision, MeasureStatus, RevisionTerm

bp = Blueprint("main", __name__)

PER_PAGE = 20
NEWEST_ON_HOME = 5
MAX_PAGE = 1_000_000


def _published_newest_first() -> Select:
    # Evaluations are not shown in lists: skip loading them.
    return (
        select(Measure)
        .where(Measure.status == MeasureStatus.PUBLISHED)
        .order_by(Measure.published_at.desc(), Measure.id.desc())
        .options(selectinload(Measure.published_revision).lazyload(MeasureRevision.evaluations))
    )


def _counts() -> dict[str, int]:
    published = Measure.status == MeasureStatus.PUBLISHED
    measures = db.session.scalar(select(func.count(Measure.id)).where(published)) or 0
    # IN (subquery) rather than a join: SQLite would otherwise scan the measures once per term.
    public_revisions = select(Measure.published_revision_id).where(published)
    countries = db.session.scalar(
        select(func.count(func.distinct(RevisionTerm.value))).where(
            RevisionTerm.key == "countries", RevisionTerm.revision_id.in_(public_revisions)
        )
    )
    return {"measures": measures, "countries": countries or 0}


@bp.get("/")
@public
def home():
    """What the repository is for, a search box, counts and the newest measures."""
    newest = db.session.scalars(_published_newest_first().limit(NEWEST_ON_HOME)).all()
    return render_template("main/home.html", counts=_counts(), newest=newest)


@bp.get("/favicon.ico")
@public
def favicon():
    """Browsers and feed readers ask for /favicon.ico whatever the page's icon link says."""
    return send_from_directory(
        current_app.static_folder or "",
        "favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=86400,
    )


@bp.get("/measures/")
@public
def browse():
    """Published measures, newest first, 20 a page. A bad page number is a 400."""
    raw = request.args.get("page", "1").strip()
    if not is_ascii_number(raw) or int(raw) < 1:
        abort(400, description="The page number must be a whole number of at least 1.")
    if int(raw) > MAX_PAGE:  # far beyond any list; also keeps the SQL offset in range
        abort(404)
    pagination = db.paginate(_published_newest_first(), page=int(raw), per_page=PER_PAGE)
    return render_template("main/browse.html", pagination=pagination)


@bp.post("/language")
@public
def choose_language():
    """The switcher on every page: keep the choice in a cookie and, when signed in, in the account,
    then go back to the page it was made on."""
    code = request.form.get("language", "")
    back = safe_next_url(request.form.get("next")) or url_for("main.home")
    if not i18n.is_supported(code):
        abort(400)
    response = redirect(back, code=303)
    response.set_cookie(
        i18n.COOKIE_NAME,
        code,
        max_age=i18n.COOKIE_MAX_AGE,
        secure=request.is_secure,
        httponly=True,
        samesite="Lax",
    )
    if current_user.is_authenticated:
        remember_language(current_user, code)
    return response

"""Moderation pages: the queue, the review page, the audit log."""

from flask import Blueprint

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


@bp.get("/")
def queue():
    return "queue"

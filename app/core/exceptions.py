"""Domain errors raised by services; app/core/errors.py answers them (403, 409) for pages and
API alike, unless a view catches one to answer otherwise (a form message, a flash)."""


class PermissionDenied(Exception):
    """The acting user may not do this (HTTP 403)."""


class InvalidTransition(Exception):
    """The object is not in a state that allows this action (HTTP 409)."""

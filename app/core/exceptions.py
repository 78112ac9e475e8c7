"""Domain errors raised by services; views turn them into 403/404/409 or form messages."""


class PermissionDenied(Exception):
    """The acting user may not do this."""


class InvalidTransition(Exception):
    """The object is not in a state that allows this action (HTTP 409)."""

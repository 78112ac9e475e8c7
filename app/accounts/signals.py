"""Signals other parts of the app listen to, without accounts importing them (the layers)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent with the user (sender) and `actor` and `reason` when their password or two-factor is
# reset: whoever reset it may have had the old one, so credentials made with it must end
# (app/api_tokens/services.py revokes every API token).
credentials_reset = _signals.signal("credentials-reset")

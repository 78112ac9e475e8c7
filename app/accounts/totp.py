"""TOTP (RFC 6238) and recovery-code helpers: pure functions, no database."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

import pyotp
import segno

ISSUER = "Prevent-Hub"
STEP_SECONDS = 30
# A code from the step before or after now is accepted too: phone clocks drift a little.
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
# 16 characters of these 31 (no 0/O or 1/I/L to misread) = 79 random bits.
_RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_RECOVERY_LENGTH = 16
_SIX_DIGITS = re.compile(r"^[0-9]{6}$")


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg_data_uri(uri: str) -> str:
    """An SVG QR code as a data: URI, for an <img> (the CSP allows data: images, no inline SVG
    styles to worry about)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


def grouped(secret: str) -> str:
    """The key in groups of four, easier to type by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def looks_like_totp(code: str) -> bool:
    return bool(_SIX_DIGITS.match(clean_code(code)))


def clean_code(code: str) -> str:
    """What people type, without the spaces and dashes their app or our list shows."""
    return re.sub(r"[\s-]", "", code or "")


def matching_step(
    secret: str, code: str, last_step: int | None, now: float | None = None
) -> int | None:
    """The time step whose code `code` is, if it is within the drift window and later than
    `last_step` (a code already used, or an older one, is refused); else None."""
    code = clean_code(code)
    if not _SIX_DIGITS.match(code):
        return None
    totp = pyotp.TOTP(secret)
    now_step = current_step(now)
    found = None
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        # Compare every candidate in constant time, and do not stop early.
        if hmac.compare_digest(totp.generate_otp(step), code) and found is None:
            found = step
    if found is None or (last_step is not None and found <= last_step):
        return None
    return found


def new_recovery_codes() -> list[str]:
    return [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]


def format_recovery_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def hash_recovery_code(code: str) -> str:
    """SHA-256 of the code as typed, ignoring dashes, spaces and letter case."""
    normalised = clean_code(code).upper()
    return hashlib.sha256(normalised.encode()).hexdigest()

"""A small mailer: SMTP when MAIL_SERVER is set, else the log and instance/mail/.

Mails are written in the recipient's language: the one their account saved, else English
(never the language of whoever's request sends it). Build subject and body inside
`in_recipients_language(user.language)`.
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path

from flask import current_app
from flask_babel import force_locale

from app.core.dbtypes import utcnow
from app.core.i18n import DEFAULT_LANGUAGE, is_supported


@contextmanager
def in_recipients_language(language: str | None) -> Iterator[None]:
    """Within the block, gettext speaks `language` when it is offered, else English."""
    with force_locale(language if language and is_supported(language) else DEFAULT_LANGUAGE):
        yield


def send_mail(to: str, subject: str, body: str) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        return
    folder = Path(config["MAIL_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    slug = re.sub(r"[^a-z0-9]+", "-", to.lower())[:60]
    (folder / f"{stamp}-{slug}.eml").write_bytes(bytes(message))
    if config.get("CONFIG_NAME") == "production":
        # Mails carry sign-in tokens: production logs never show their bodies.
        current_app.logger.info("mail to=%s subject=%r written to %s", to, subject, folder)
    else:
        current_app.logger.info("mail to=%s subject=%r\n%s", to, subject, body)

"""Outgoing e-mail through SMTP, with settings from the environment."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, render_template


class MailError(RuntimeError):
    """The message could not be handed to the SMTP server."""


def send_mail(to: str, subject: str, template: str, **context) -> None:
    """Render `template` (plain text) and send it to `to`.

    With no ENGAGE_MAIL_SERVER (development only; production refuses to start without one), the
    message is written to the log instead, so a developer can follow invitation links.
    """
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="engage.local")
    message.set_content(render_template(template, **context))

    if not config["MAIL_SERVER"]:
        current_app.logger.warning("ENGAGE_MAIL_SERVER is not set; mail not sent:\n%s", message)
        return
    try:
        if config["MAIL_SECURITY"] == "ssl":
            smtp = smtplib.SMTP_SSL(
                config["MAIL_SERVER"],
                config["MAIL_PORT"],
                timeout=15,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15)
        with smtp:
            if config["MAIL_SECURITY"] == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        current_app.logger.error("Mail to %s failed: %s", to, error)
        raise MailError(str(error)) from error

"""The emails sign-in sends. They carry a link and nothing about anyone's cases."""

from __future__ import annotations

from flask import current_app

from core.identity.models import User


def send_reset_email(user: User, link: str) -> None:
    from core.mail import send_mail

    service = current_app.config["SERVICE_NAME"]
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    body = (
        f"Someone asked to reset the password for your {service} account.\n\n"
        f"To choose a new password, open this link within {minutes} minutes:\n\n{link}\n\n"
        "The link works once. If you did not ask for this, you can ignore this email: your "
        "password has not changed.\n"
    )
    send_mail(to=user.email, subject=f"Reset your password: {service}", body=body)

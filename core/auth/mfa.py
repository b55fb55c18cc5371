"""Time-based one-time codes (TOTP) and single-use recovery codes.

Each 30-second step may be used once: the last accepted step is stored and only a later one
is accepted, with a conditional UPDATE so two simultaneous requests cannot both use a code.
Recovery codes are kept as SHA-256 hashes (they are long random strings, so a fast hash is
enough) and each is removed when used.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets

import pyotp
import qrcode
from flask import current_app
from markupsafe import Markup
from qrcode.image.svg import SvgPathImage
from sqlalchemy import or_, update

from core import timeutil
from core.auth import secretbox
from core.extensions import db
from core.identity.models import User

RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def new_secret() -> str:
    return pyotp.random_base32()


def grouped(secret: str) -> str:
    """The secret in groups of four, as people type it into an authenticator app."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, email: str) -> str:
    issuer = current_app.config["SERVICE_NAME"]
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_svg(uri: str) -> Markup:
    """The otpauth URI as an inline SVG QR code (no script, no external request)."""
    code = qrcode.QRCode(image_factory=SvgPathImage, box_size=8, border=4)
    code.add_data(uri)
    svg = code.make_image().to_string(encoding="unicode")
    labelled = svg.replace(
        "<svg ", '<svg role="img" aria-label="QR image to scan with your authenticator app" '
        'class="app-qr-code" ', 1)
    return Markup(labelled)  # noqa: S704 - generated here from our own data: path commands only


def matching_step(secret: str, code: str) -> int | None:
    """The time step (now, or one either side) whose code is `code`, or None."""
    code = re.sub(r"\s", "", code or "")
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(timeutil.utcnow())
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def claim_step(user: User, step: int) -> bool:
    """Record `step` as used; False if it (or a later one) was already used: a replay."""
    result = db.session.execute(
        update(User)
        .where(User.id == user.id)
        .where(or_(User.last_totp_step.is_(None), User.last_totp_step < step))
        .values(last_totp_step=step)
    )
    return result.rowcount == 1


def user_secret(user: User) -> str:
    return secretbox.open_sealed(user.mfa_secret_enc or "", user.id)


def verify_code(user: User, code: str) -> bool:
    """A current, unused TOTP code for an enrolled user (claims its step when it matches)."""
    step = matching_step(user_secret(user), code)
    return step is not None and claim_step(user, step)


def enrol(user: User, secret: str, step: int) -> list[str]:
    """Store the confirmed secret (encrypted) and return fresh recovery codes to show once."""
    user.mfa_secret_enc = secretbox.seal(secret, user.id)
    user.mfa_enabled_at = timeutil.utcnow()
    user.last_totp_step = step
    return new_recovery_codes(user)


def _normalise(code: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (code or "").lower())


def _digest(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; the plain codes exist only in the return value."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    user.recovery_codes = json.dumps([_digest(c) for c in codes])
    return codes


def recovery_codes_left(user: User) -> int:
    return len(json.loads(user.recovery_codes or "[]"))


def looks_like_recovery_code(code: str) -> bool:
    return len(_normalise(code)) == 10


def use_recovery_code(user: User, code: str) -> bool:
    """Spend a recovery code: True (and the code is gone) if it was one of the user's.

    The UPDATE only applies if the stored list is still the one read, so two requests racing
    with the same code cannot both succeed.
    """
    digest = _digest(code)
    before = user.recovery_codes or "[]"
    stored = json.loads(before)
    match = next((d for d in stored if hmac.compare_digest(d, digest)), None)
    if match is None:
        return False
    stored.remove(match)
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, User.recovery_codes == before)
        .values(recovery_codes=json.dumps(stored))
    )
    return result.rowcount == 1

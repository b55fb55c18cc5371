"""Password hashing (argon2id) and the password policy.

Policy (NCSC / ASVS): at least 12 characters, up to 128, no composition rules, no forced
expiry; refuse common passwords and the words people reach for in this setting (the service,
the partnership, "safeguarding") with a few digits or symbols around them.
"""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 12
MAX_LENGTH = 128

# argon2id; production meets ASVS 11.4.2 (m >= 19 MiB, t >= 2). Tests use a cheap profile.
PROFILES = {
    "production": PasswordHasher(time_cost=3, memory_cost=65536, parallelism=1),
    "test": PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1),
}

COMMON = {
    "password", "passw0rd", "qwerty", "qwertyuiop", "letmein", "welcome", "iloveyou",
    "admin", "administrator", "monkey", "dragon", "football", "baseball", "sunshine",
    "princess", "trustno", "master", "shadow", "superman", "starwars", "abc", "abcdef",
    "changeme", "secret", "summer", "winter", "spring", "autumn", "london", "england",
    "manchester", "liverpool", "chelsea", "arsenal", "qazwsx", "asdfgh", "zxcvbn",
}
CONTEXT = {
    "safeguarding", "safeguard", "lscp", "lscb", "partnership", "children", "childrens",
    "council", "police", "health", "audit", "quality", "assurance", "social", "services",
    "northbrook",
}


def _hasher() -> PasswordHasher:
    return PROFILES[current_app.config.get("ARGON2_PROFILE", "production")]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Check a password; a missing hash is checked against a dummy so timing does not differ.

    Without a stored hash the answer is always False, whatever was typed.
    """
    try:
        matched = _hasher().verify(stored or _DUMMY.get(), password)
    except (VerificationError, InvalidHashError):
        return False
    return matched and stored is not None


def needs_rehash(stored: str) -> bool:
    """True if `stored` was made with other parameters than this deployment's profile."""
    try:
        return _hasher().check_needs_rehash(stored)
    except InvalidHashError:
        return False


class _Dummy:
    """A hash to verify against when the user does not exist (equal work, equal answer)."""

    value: str | None = None

    def get(self) -> str:
        if self.value is None:
            self.value = _hasher().hash("not-a-real-password-at-all")
        return self.value


_DUMMY = _Dummy()


def policy_problem(password: str, context_words: tuple[str, ...] = ()) -> str | None:
    """Why a new password is refused, in words for the form, or None if it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    letters = re.sub(r"[^a-z]", "", password.lower())
    words = COMMON | CONTEXT | {w.lower() for w in context_words if len(w) >= 4}
    stripped = letters
    for word in sorted(words, key=len, reverse=True):
        stripped = stripped.replace(word, "")
    if len(stripped) < 4 or len(set(password)) < 5:
        return "Password is too easy to guess: use three or four unrelated words"
    return None

"""Case codes: short, unambiguous, random, with a check character, e.g. ``NB-7K3Q9X-C``.

The alphabet leaves out 0/O, 1/I/L, 5/S, 2/Z, 8/B so a code read aloud or copied by hand survives.
Codes come from the CSPRNG and take no input from identity. The check character is a weighted
sum modulo the alphabet size, which catches any single wrong character and any swap of two
neighbours.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
BODY = 6
PATTERN = re.compile(rf"^([A-Z]{{2,4}})-([{ALPHABET}]{{{BODY}}})-([{ALPHABET}])$")


def check_char(prefix: str, body: str) -> str:
    total = sum((i + 1) * ALPHABET.index(c) for i, c in enumerate(body))
    total += sum(ord(c) for c in prefix)
    return ALPHABET[total % len(ALPHABET)]


def new_code(prefix: str) -> str:
    """A fresh random code for a partnership with this prefix (uniqueness is the caller's)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY))
    return f"{prefix}-{body}-{check_char(prefix, body)}"


def is_valid(code: str) -> bool:
    """Well formed and the check character matches (typos are caught before any lookup)."""
    match = PATTERN.match(code.strip().upper())
    return bool(match) and check_char(match[1], match[2]) == match[3]

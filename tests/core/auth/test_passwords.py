"""Password hashing (argon2id, ASVS 11.4.2) and the password policy (NCSC / ASVS 6.2)."""

from __future__ import annotations

import re

import pytest

from core.auth.passwords import hash_password, policy_problem, verify_password


def _parameters(stored: str) -> dict[str, int]:
    match = re.match(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$", stored)
    assert match, stored[:30]
    m, t, p = (int(x) for x in match.groups())
    return {"m": m, "t": t, "p": p}


def test_the_production_profile_hashes_with_argon2id_at_asvs_strength(make_app):
    app = make_app(ARGON2_PROFILE="production")
    with app.app_context():
        first, second = hash_password("tangerine lighthouse quarrel 47"), hash_password(
            "tangerine lighthouse quarrel 47")
    params = _parameters(first)
    assert params["m"] >= 19456 and params["t"] >= 2 and params["p"] >= 1
    assert first != second  # a fresh salt for every hash


def test_two_users_with_the_same_password_get_different_hashes(app):
    from tests.support.factories import make_user

    one, two = make_user(), make_user()
    assert one.password_hash != two.password_hash
    assert verify_password(one.password_hash, "tangerine lighthouse quarrel 47")


def test_a_missing_hash_never_verifies_even_with_the_dummy_password(app):
    assert verify_password(None, "not-a-real-password-at-all") is False
    assert verify_password(None, "anything") is False


@pytest.mark.parametrize("password", ["elevenchars", "Password1234", "Safeguarding2025!"])
def test_the_policy_refuses_short_common_and_context_passwords(app, password):
    assert policy_problem(password) is not None


PASSPHRASE_64 = "quiet walks along the harbour wall before the ferry left at dawn"


@pytest.mark.parametrize("password", [PASSPHRASE_64, "tangerine lighthouse quarrel 47"])
def test_the_policy_accepts_long_passphrases(app, password):
    assert policy_problem(password) is None


def test_the_long_example_is_sixty_four_characters():
    assert len(PASSPHRASE_64) == 64


def test_the_policy_refuses_a_password_built_on_the_persons_own_name(app):
    assert policy_problem("jessica-fairweather-2025", ("Jessica", "Fairweather")) is not None

"""Sealed secrets open only for the account and purpose they were sealed for."""

from __future__ import annotations

import pytest

from core.auth import secretbox


def test_a_sealed_secret_opens_for_its_own_user(app):
    token = secretbox.seal("JBSWY3DPEHPK3PXP", 7)
    assert "JBSWY3DPEHPK3PXP" not in token
    assert secretbox.open_sealed(token, 7) == "JBSWY3DPEHPK3PXP"


def test_two_seals_of_the_same_secret_differ(app):
    assert secretbox.seal("JBSWY3DPEHPK3PXP", 7) != secretbox.seal("JBSWY3DPEHPK3PXP", 7)


def test_a_secret_copied_to_another_user_does_not_open(app):
    token = secretbox.seal("JBSWY3DPEHPK3PXP", 7)
    with pytest.raises(secretbox.SecretUnreadable):
        secretbox.open_sealed(token, 8)


def test_a_secret_sealed_for_one_purpose_does_not_open_for_another(app):
    token = secretbox.seal("JBSWY3DPEHPK3PXP", 7, b"mfa-enrol")
    with pytest.raises(secretbox.SecretUnreadable):
        secretbox.open_sealed(token, 7)


def test_an_altered_secret_does_not_open(app):
    token = secretbox.seal("JBSWY3DPEHPK3PXP", 7)
    altered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(secretbox.SecretUnreadable):
        secretbox.open_sealed(altered, 7)


def test_another_master_key_cannot_open_it(make_app):
    one = make_app()
    with one.app_context():
        token = secretbox.seal("JBSWY3DPEHPK3PXP", 7)
    other = make_app(MASTER_KEY="b3RoZXItbWFzdGVyLWtleS0zMi1ieXRlcy1sb25nISE=")
    with other.app_context(), pytest.raises(secretbox.SecretUnreadable):
        secretbox.open_sealed(token, 7)

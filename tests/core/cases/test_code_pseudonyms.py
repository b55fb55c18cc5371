"""Case codes are true pseudonyms; the duplicate-check HMAC key is apart and fails closed.

A code must carry nothing of the child: it is drawn from the CSPRNG with no identity input,
never repeats, shows no pattern; the only deterministic token (the record id's blind index)
uses its own key, and without that key nothing is coded rather than coded unchecked.
"""

from __future__ import annotations

import inspect
import itertools
import random
from collections import Counter

import pytest
from sqlalchemy import func, select

from config import load_config, production_problems
from core.cases import codes
from core.cases.importer import CodeBook, check_file, template_csv
from core.cases.models import Case
from core.cases.service import change_identity, register_case, unique_code
from core.crypto.blind_index import blind_index
from core.crypto.keyring import KeyUnavailable, blind_index_key, master_keys
from core.extensions import db
from tests.core.cases.conftest import attributes, identity

N = 100_000
BODY = slice(3, 3 + codes.BODY)  # "NB-XXXXXX-C"


@pytest.fixture(scope="module")
def many() -> list[str]:
    return [codes.new_code("NB") for _ in range(N)]


def _as_number(body: str) -> int:
    return sum(codes.ALPHABET.index(c) * len(codes.ALPHABET) ** i
               for i, c in enumerate(reversed(body)))


def test_the_generators_take_no_identity_input():
    assert list(inspect.signature(codes.new_code).parameters) == ["prefix"]
    assert list(inspect.signature(unique_code).parameters) == ["prefix"]


def test_codes_come_from_the_csprng_not_a_seedable_generator():
    random.seed(20)
    first = [codes.new_code("NB") for _ in range(5)]
    random.seed(20)
    assert [codes.new_code("NB") for _ in range(5)] != first


def test_a_hundred_thousand_issued_codes_are_valid_and_never_collide(world):
    book = CodeBook(world.p1.code_prefix)
    issued = [book.new() for _ in range(N)]
    assert len(set(issued)) == N
    assert all(codes.is_valid(c) for c in issued)


def test_raw_draws_repeat_no_more_often_than_chance(many):
    """25^6 bodies: 100,000 draws share a code about 20 times by the birthday bound alone
    (which is why every code is checked against those issued); a biased or short-period
    generator would repeat far more often."""
    space = len(codes.ALPHABET) ** codes.BODY
    expected = N * (N - 1) / 2 / space
    assert N - len(set(many)) < expected + 7 * expected ** 0.5


def test_every_character_is_about_equally_likely_overall_and_in_each_place(many):
    alphabet = len(codes.ALPHABET)
    overall = Counter("".join(c[BODY] for c in many))
    expected = N * codes.BODY / alphabet
    assert set(overall) == set(codes.ALPHABET)
    assert all(abs(n - expected) < 0.04 * expected for n in overall.values())  # ~6 sigma
    chi_square = sum((n - expected) ** 2 / expected for n in overall.values())
    assert chi_square < 75  # 24 degrees of freedom: p < 1e-6 beyond this
    for place in range(codes.BODY):
        column = Counter(c[BODY][place] for c in many)
        assert all(abs(n - N / alphabet) < 0.1 * N / alphabet for n in column.values())


def test_consecutive_codes_show_no_sequence(many):
    numbers = [_as_number(c[BODY]) for c in many]
    steps = [b - a for a, b in itertools.pairwise(numbers)]
    assert max(Counter(steps).values()) < 10  # no common stride (a counter would be all one)
    rising = sum(s > 0 for s in steps) / len(steps)
    assert 0.48 < rising < 0.52  # as often up as down
    same_first = sum(a[3] == b[3] for a, b in itertools.pairwise(many)) / (N - 1)
    assert abs(same_first - 1 / len(codes.ALPHABET)) < 0.01


def test_the_blind_index_key_is_not_an_encryption_key(app):
    assert app.config["BLIND_INDEX_KEY"] not in (app.config["MASTER_KEY"],
                                                 app.config["SECRET_KEY"])
    assert blind_index_key() not in master_keys().values()


def test_development_keys_are_made_apart(tmp_path):
    with pytest.warns(UserWarning):
        cfg = load_config(environ={"INSTANCE_PATH": str(tmp_path)})
    assert cfg["BLIND_INDEX_KEY"] not in (cfg["MASTER_KEY"], cfg["SECRET_KEY"])


@pytest.mark.parametrize("shared", ["MASTER_KEY", "SECRET_KEY"])
def test_check_config_refuses_a_blind_index_key_shared_with_another_key(tmp_path, shared):
    keys = {"SECRET_KEY": "s", "MASTER_KEY": "m", "BLIND_INDEX_KEY": "b"}
    apart = load_config(environ={"INSTANCE_PATH": str(tmp_path), **keys})
    assert not any("BLIND_INDEX_KEY must be its own" in p for p in production_problems(apart))
    reused = load_config(environ={"INSTANCE_PATH": str(tmp_path), **keys,
                                  "BLIND_INDEX_KEY": keys[shared]})
    assert any("BLIND_INDEX_KEY must be its own" in p for p in production_problems(reused))


def test_check_config_refuses_a_blind_index_key_found_in_the_master_key_file(tmp_path):
    key_file = tmp_path / "keys.json"
    key_file.write_text('{"1": "old", "2": "current"}')
    cfg = load_config(environ={"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s",
                               "MASTER_KEY_FILE": str(key_file), "BLIND_INDEX_KEY": "old"})
    assert any("BLIND_INDEX_KEY must be its own" in p for p in production_problems(cfg))


def _cases() -> int:
    return db.session.scalar(select(func.count()).select_from(Case))


@pytest.mark.parametrize("missing", [None, ""])
def test_without_the_hmac_key_registering_fails_closed(world, app, missing):
    app.config["BLIND_INDEX_KEY"] = missing
    with pytest.raises(KeyUnavailable):
        blind_index(world.p1.id, "record_id", "CR-1")
    with pytest.raises(KeyUnavailable):
        register_case(world.p1, world.a, identity(), attributes(), by=None)
    db.session.rollback()
    assert _cases() == 0


def test_without_the_hmac_key_a_record_id_cannot_be_changed_unchecked(world, app,
                                                                       canary_case):
    index = canary_case.record_id_index
    app.config["BLIND_INDEX_KEY"] = None
    with pytest.raises(KeyUnavailable):
        change_identity(canary_case, "record_id", "CR-NEW-1", by=world.coordinator)
    db.session.rollback()
    assert db.session.get(Case, canary_case.id).record_id_index == index


def test_without_the_hmac_key_an_import_cannot_be_checked(world, app):
    app.config["BLIND_INDEX_KEY"] = None
    with pytest.raises(KeyUnavailable):
        check_file(template_csv().encode(), world.p1, world.a)

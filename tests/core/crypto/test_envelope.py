"""Identity fields are sealed to their row and column and never stored in clear."""

import pytest
from sqlalchemy import text

from core.cases.codes import new_code
from core.cases.models import Case
from core.crypto import envelope
from core.crypto.blind_index import blind_index
from core.crypto.keyring import KeyUnavailable
from core.extensions import db

CANARY = "ZZCANARY-NAME"


def coded_case(partnership, agency, name=CANARY, record="ZZREF-0001"):
    case = Case(code=new_code(partnership.code_prefix), partnership_id=partnership.id,
                agency_id=agency.id)
    case.seal("name", name)
    case.seal("record_id", record)
    case.seal("date_of_birth", "2011-01-01")
    db.session.add(case)
    db.session.commit()
    return case


def test_a_sealed_field_reads_back_and_is_not_stored_in_clear(world):
    case = coded_case(world.p1, world.a)
    assert case.unseal("name") == CANARY
    raw = db.session.execute(text("SELECT name_enc FROM case_record")).scalar()
    assert CANARY not in raw and raw.startswith("v1.")


def test_the_database_holds_no_identity_plaintext(app, world):
    coded_case(world.p1, world.a)
    dump = " ".join(
        str(value) for table in ("case_record", "data_key")
        for row in db.session.execute(text(f"SELECT * FROM {table}")) for value in row)
    for secret in (CANARY, "ZZREF-0001", "2011-01-01"):
        assert secret not in dump


def test_a_ciphertext_copied_to_another_row_does_not_decrypt(world):
    first, second = coded_case(world.p1, world.a), coded_case(world.p1, world.a, "Other Child",
                                                               "ZZREF-0002")
    second.name_enc = first.name_enc
    with pytest.raises(envelope.DecryptionFailed):
        second.unseal("name")


def test_a_ciphertext_copied_to_another_column_does_not_decrypt(world):
    case = coded_case(world.p1, world.a)
    case.alias_enc = case.name_enc
    with pytest.raises(envelope.DecryptionFailed):
        case.unseal("alias")


def test_each_partnership_has_its_own_data_key(world):
    one, two = coded_case(world.p1, world.a), coded_case(world.p2, world.c)
    assert envelope.token_key_id(one.name_enc) != envelope.token_key_id(two.name_enc)


def test_a_missing_master_key_refuses_rather_than_falling_back(app, world):
    case = coded_case(world.p1, world.a)
    envelope.clear_cache()
    app.config["MASTER_KEY"] = None
    with pytest.raises(KeyUnavailable):
        case.unseal("name")


def test_the_blind_index_matches_equal_values_only_and_uses_its_own_key(app, world):
    same = blind_index(world.p1.id, "record_id", "zzref 0001")
    assert same == blind_index(world.p1.id, "record_id", "ZZREF0001")
    assert same != blind_index(world.p2.id, "record_id", "ZZREF0001")
    app.config["BLIND_INDEX_KEY"] = None
    with pytest.raises(KeyUnavailable):
        blind_index(world.p1.id, "record_id", "ZZREF0001")

"""`flask seed-demo`: every role, wired line management, two partnerships, idempotent."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from core.auth.passwords import verify_password
from core.demo import NORTHBROOK, SOUTHMERE
from core.extensions import db
from core.identity.access import scoped
from core.identity.models import Agency, Membership, Partnership, Team, User
from core.identity.roles import ROLES


def seed(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    db.session.expire_all()
    return result


def user(email: str) -> User:
    return db.session.scalars(select(User).filter_by(email=email)).one()


def test_seed_demo_creates_both_partnerships_with_a_person_in_every_role(app):
    result = seed(app)
    assert result.exit_code == 0, result.output
    names = set(db.session.scalars(select(Partnership.name)))
    assert names == {NORTHBROOK, SOUTHMERE}
    assert set(db.session.scalars(select(Membership.role))) == set(ROLES)
    council = db.session.scalars(select(Agency).filter_by(
        name="Northbrook Council Children's Services")).one()
    assert len(council.teams) == 9
    assert {a.type for a in db.session.scalars(select(Agency))} == {
        "childrens_services", "police", "health", "education"}
    emails = list(db.session.scalars(select(User.email)))
    assert all(e.endswith(".example") for e in emails)
    assert "coordinator@northbrook.example" in emails


def test_line_management_runs_from_practitioner_to_director(app):
    seed(app)
    chain, person = [], user("practitioner1.assessment@northbrook.example")
    while person is not None:
        chain.append(person.memberships[0].role)
        person = person.memberships[0].line_manager
    assert chain == ["practitioner", "team_manager", "service_manager", "head_of_service",
                     "assistant_director", "director"]


def test_the_demo_password_is_printed_once_and_only_its_hash_is_stored(app):
    result = seed(app)
    found = re.findall(r"shown once, not stored\): (\S+)", result.output)
    assert len(found) == 1
    password = found[0]
    assert result.output.count(password) == 1
    hashes = set(db.session.scalars(select(User.password_hash)))
    assert len(hashes) == 1 and password not in hashes.pop()
    assert verify_password(user("director@northbrook.example").password_hash, password)
    assert "platform.administrator@northbrook.example" in result.output


def test_running_seed_demo_twice_changes_nothing(app):
    seed(app)
    count = db.session.scalar(select(func.count(User.id)))
    again = seed(app)
    assert again.exit_code == 0
    assert "already exists" in again.output
    assert db.session.scalar(select(func.count(User.id))) == count
    assert db.session.scalar(select(func.count(Team.id))) == 9 + 3 + 2


def test_demo_people_of_one_partnership_cannot_see_the_other(app):
    seed(app)
    coordinator = user("coordinator@northbrook.example")
    visible = set(db.session.scalars(
        scoped(User, "admin.people.view", coordinator).with_only_columns(User.email)))
    assert "director@northbrook.example" in visible
    assert not any(e.endswith("southmere.example") for e in visible)


def test_seed_demo_and_users_commands_run_without_an_app_context_of_their_own(make_app):
    app = make_app()  # as `flask` runs them: no application context pushed beforehand
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    listed = runner.invoke(args=["users", "list"])
    assert listed.exit_code == 0 and "director@northbrook.example" in listed.output


def test_reset_passwords_gives_demo_people_a_new_password_and_leaves_others_alone(app):
    from core.auth.passwords import hash_password

    seed(app)
    real = user("coordinator@northbrook.example")
    outsider = User(name="Real Person", email="real.person@council.gov.uk",
                    password_hash=hash_password("a-real-persons-passphrase-42"))
    db.session.add(outsider)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["seed-demo", "--reset-passwords"])
    assert result.exit_code == 0, result.output
    password = re.findall(r"shown once, not stored\): (\S+)", result.output)[0]
    db.session.expire_all()
    assert verify_password(user(real.email).password_hash, password)
    assert verify_password(user(outsider.email).password_hash, "a-real-persons-passphrase-42")
    assert "Reset the password of" in result.output


def test_seeding_twice_changes_nothing_and_says_how_to_get_a_password(app):
    seed(app)
    before = db.session.scalar(select(func.count(User.id)))
    result = seed(app)
    assert result.exit_code == 0
    assert "--reset-passwords" in result.output
    assert db.session.scalar(select(func.count(User.id))) == before

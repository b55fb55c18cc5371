"""`flask users ...`: create, list, disable, grant and import from the command line."""

from __future__ import annotations

from sqlalchemy import select

from core.auth.passwords import verify_password
from core.extensions import db
from core.identity.models import User, UserSession
from tests.support import factories as f

HEADER = "name,email,agency,team,role,partnership,line_manager_email,expires_on\n"


def run(app, *args: str, input: str | None = None):
    result = app.test_cli_runner().invoke(args=["users", *args], input=input)
    db.session.expire_all()
    return result


def person(email: str) -> User | None:
    return db.session.scalars(select(User).filter_by(email=email)).first()


def test_users_create_adds_a_person_with_a_role_in_a_team(world, app):
    result = run(app, "create", "--email", "Nia.Okafor@Northbrook.example", "--name",
                 "Nia Okafor", "--role", "practitioner", "--agency", "Northbrook Council",
                 "--team", "Assessment", "--line-manager", "tm.a@example.test")
    assert result.exit_code == 0, result.output
    user = person("nia.okafor@northbrook.example")
    [m] = user.memberships
    assert (m.role, m.agency_id, m.team_id, m.line_manager_id) == (
        "practitioner", world.a.id, world.team_a.id, world.tm_a.id)
    assert user.password_hash is None
    assert "Forgot your password" in result.output


def test_users_create_with_an_unknown_role_exits_1_naming_the_option(world, app):
    result = run(app, "create", "--email", "x@northbrook.example", "--name", "X Y",
                 "--role", "manager", "--agency", "Northbrook Council")
    assert result.exit_code == 1
    assert "--role: 'manager' is not a role. Use one of: practitioner" in result.output
    assert person("x@northbrook.example") is None


def test_users_create_names_the_wrong_option(world, app):
    cases = [
        (["--agency", "Nowhere"], "--agency: no agency called 'Nowhere'"),
        (["--agency", "Northbrook Police", "--team", "Assessment"], "--team: no team called"),
        (["--agency", "Northbrook Council", "--partnership", "Southmere"],
         "--partnership: Northbrook Council is not in that partnership"),
        (["--agency", "Northbrook Council", "--line-manager", "nobody@example.test"],
         "--line-manager: no person with the email address"),
    ]
    for extra, message in cases:
        result = run(app, "create", "--email", "x@northbrook.example", "--name", "X Y",
                     "--role", "practitioner", *extra)
        assert result.exit_code == 1 and message in result.output, result.output
    f.make_user("practitioner", world.a, email="taken@northbrook.example")
    db.session.commit()
    result = run(app, "create", "--email", "Taken@northbrook.example", "--name", "X",
                 "--role", "practitioner", "--agency", "Northbrook Council")
    assert "--email: a person with this email address already exists" in result.output


def test_users_create_reads_a_password_from_stdin_and_refuses_a_weak_one(world, app):
    weak = run(app, "create", "--email", "pw@northbrook.example", "--name", "Pat Wu",
               "--role", "platform_admin", "--password-stdin", input="password123\n")
    assert weak.exit_code == 1 and "--password-stdin: Password" in weak.output
    assert person("pw@northbrook.example") is None
    good = run(app, "create", "--email", "pw@northbrook.example", "--name", "Pat Wu",
               "--role", "platform_admin", "--password-stdin",
               input="lantern orchard velvet 73\n")
    assert good.exit_code == 0, good.output
    user = person("pw@northbrook.example")
    assert verify_password(user.password_hash, "lantern orchard velvet 73")
    assert "lantern" not in good.output and user.password_changed_at is not None


def test_users_list_shows_emails_names_and_roles_but_no_hashes(world, app):
    result = run(app, "list")
    assert result.exit_code == 0
    assert "tm.a@example.test" in result.output
    assert "team_manager (Assessment, Northbrook Council)" in result.output
    assert "partnership_coordinator (Northbrook)" in result.output
    assert "$argon2" not in result.output


def test_users_disable_ends_the_persons_sessions(world, app, client):
    f.login_as(client, world.tm_a)
    result = run(app, "disable", "TM.A@example.test")
    assert result.exit_code == 0, result.output
    assert not person("tm.a@example.test").active
    live = select(UserSession).filter_by(user_id=world.tm_a.id, revoked_at=None)
    assert db.session.scalars(live).all() == []
    assert client.get("/admin/people").status_code in (302, 401)
    assert run(app, "disable", "nobody@example.test").exit_code == 1


def test_users_grant_adds_a_partnership_role_by_prefix(world, app):
    result = run(app, "grant", "tm.b@example.test", "board_member", "--partnership", "nb")
    assert result.exit_code == 0, result.output
    roles = {(m.role, m.partnership_id) for m in person("tm.b@example.test").memberships}
    assert ("board_member", world.p1.id) in roles
    again = run(app, "grant", "tm.b@example.test", "board_member", "--partnership", "NB")
    assert again.exit_code == 1 and "--role: They already have this role there" in again.output


def test_users_import_prints_the_same_errors_and_exits_1(world, app, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "Ada,ada@northbrook.example,Northbrook Council,,team_manager,,,\n"
                    "Dan,dan@northbrook.example,Northbrook Council,,manager,,,\n")
    result = run(app, "import", str(path))
    assert result.exit_code == 1
    assert "Line 3, column role: 'manager' is not a role. Use one of:" in result.output
    assert "nothing was imported" in result.output
    assert person("ada@northbrook.example") is None


def test_users_import_dry_run_saves_nothing_and_a_real_run_imports_all(world, app, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "Ada,ada@northbrook.example,Northbrook Council,,team_manager,,,\n"
                    "Ben,ben@northbrook.example,Northbrook Police,Public protection,"
                    "practitioner,,ada@northbrook.example,\n")
    dry = run(app, "import", str(path), "--dry-run")
    assert dry.exit_code == 0 and "2 people would be imported" in dry.output
    assert person("ada@northbrook.example") is None
    real = run(app, "import", str(path))
    assert real.exit_code == 0 and "Imported 2 people" in real.output
    ben = person("ben@northbrook.example")
    assert ben.memberships[0].line_manager.email == "ada@northbrook.example"

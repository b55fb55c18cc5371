"""`flask cases ...`: bulk coding from a CSV file, the retention run and legal hold.

Output names cases by code only. Import problems are printed exactly as the import page shows
them, and any problem exits with status 1 having saved nothing.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.cases import retention
from core.cases.codes import is_valid
from core.cases.importer import MAX_BYTES, check_file, write_cases
from core.cases.models import Case
from core.extensions import db
from core.identity.models import Agency, Partnership
from core.jobs.single_runner import AlreadyRunning
from core.timeutil import format_london

cases_cli = AppGroup("cases", help="Import cases, run retention, place legal holds.")


def _fail(message: str) -> None:
    click.echo(message, err=True)
    raise SystemExit(1)


def _partnership(prefix: str | None) -> Partnership:
    if prefix:
        found = db.session.scalar(select(Partnership).where(
            func.upper(Partnership.code_prefix) == prefix.strip().upper()))
        if found is None:
            _fail(f"No partnership has the case-code prefix {prefix}.")
        return found
    every = db.session.scalars(select(Partnership)).all()
    if len(every) != 1:
        _fail("Give the partnership with --partnership PREFIX (for example --partnership NB).")
    return every[0]


def _agency(partnership: Partnership, name: str | None) -> Agency:
    agencies = partnership.agencies
    if name:
        found = [a for a in agencies if a.name.lower() == name.strip().lower()]
        if not found:
            _fail(f"{partnership.name} has no agency called {name}.")
        return found[0]
    if len(agencies) != 1:
        _fail("Give the agency that owns the cases with --agency NAME.")
    return agencies[0]


@cases_cli.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--partnership", "prefix", help="The partnership's case-code prefix, e.g. NB.")
@click.option("--agency", "agency_name", help="The name of the agency that owns the cases.")
@click.option("--dry-run", is_flag=True, help="Check the file and save nothing.")
def import_cases(file, prefix: str | None, agency_name: str | None, dry_run: bool) -> None:
    """Code every case in a CSV FILE, or none if any line has a problem."""
    partnership = _partnership(prefix)
    agency = _agency(partnership, agency_name)
    check = check_file(file.read(MAX_BYTES + 1), partnership, agency)
    if not check.ok:
        for error in check.errors:
            click.echo(str(error), err=True)
        _fail(f"{len(check.errors)} problem(s): nothing was imported.")
    if dry_run:
        click.echo(f"{len(check.rows)} cases ready to import. Nothing was saved (dry run).")
        return
    try:
        cases = write_cases(check, partnership, agency, by=None)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        _fail("Nothing was imported: one of these cases was coded at the same time. Try again.")
    click.echo(f"Imported {len(cases)} cases into {agency.name}, {partnership.name}.")


def _day(moment) -> str:
    return format_london(moment, "%Y-%m-%d")


@cases_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="List what is due, by code and date; change nothing.")
def retention_run(dry_run: bool) -> None:
    """Destroy the identity, narrative and files of every case whose retention has run out."""
    if dry_run:
        years = retention.years_by_partnership()
        due = retention.due_for_destruction()
        for case in due:
            click.echo(f"{case.code}  closed {_day(case.closed_at)}  due "
                       f"{_day(retention.due_at(case, years[case.partnership_id]))}")
        click.echo(f"{len(due)} case(s) would be destroyed. Nothing was changed (dry run).")
        return
    try:
        result = retention.run_retention()
    except AlreadyRunning as exc:
        raise click.ClickException(str(exc)) from None
    for code in result.destroyed:
        click.echo(f"destroyed {code}")
    for code in result.failed:
        click.echo(f"FAILED {code} (left as it was)", err=True)
    click.echo(f"Run {result.run_id}: {len(result.destroyed)} case(s) destroyed, "
               f"{len(result.failed)} failed.")
    if result.failed:
        raise SystemExit(1)


@cases_cli.command("legal-hold")
@click.argument("code")
@click.option("--on/--off", "on", required=True, help="Place the hold, or lift it.")
@click.option("--reason", required=True, help="Why (an inquiry or claim), without identity.")
def legal_hold(code: str, on: bool, reason: str) -> None:
    """Place or lift a legal hold on the case CODE (logged with the reason)."""
    code = code.strip().upper()
    case = db.session.scalar(select(Case).where(Case.code == code)) if is_valid(code) else None
    if case is None:
        _fail(f"No case has the code {code}.")
    errors = retention.set_legal_hold(case, on, reason, by=None)
    if errors:
        db.session.rollback()
        _fail(next(iter(errors.values())))
    db.session.commit()
    click.echo(f"{code}: legal hold {'placed' if on else 'lifted'}.")

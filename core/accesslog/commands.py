"""`flask accesslog verify`: check the hash chain and name the first broken link."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from core.accesslog.chain import verify

accesslog_cli = AppGroup("accesslog", help="Check the access log.")


@accesslog_cli.command("verify")
def verify_command() -> None:
    """Exit 0 if every entry is intact; otherwise exit 1 naming the first broken entry."""
    verdict = verify()
    if verdict.ok:
        click.echo(f"Access log intact: {verdict.checked} entries verified.")
        return
    click.echo(f"Access log BROKEN at entry {verdict.broken_at}: {verdict.reason} "
               f"({verdict.checked} entries verified before it).")
    raise SystemExit(1)

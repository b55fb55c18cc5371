"""`flask keys rotate [--data]`: resumable, loss-free key rotation."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from core.accesslog.chain import append
from core.crypto import rotation
from core.crypto.keyring import KeyUnavailable
from core.extensions import db
from core.jobs.single_runner import AlreadyRunning, single_runner

keys_cli = AppGroup("keys", help="Manage encryption keys.")


@keys_cli.command("rotate")
@click.option("--data", is_flag=True, help="Also give each partnership a new data key and "
              "re-encrypt every field (slower).")
def rotate(data: bool) -> None:
    """Add a master key version and re-wrap every data key; resumes an unfinished run."""
    try:
        with single_runner("key rotation"):
            _rotate(data)
    except (KeyUnavailable, AlreadyRunning) as exc:
        raise click.ClickException(str(exc)) from None


def _rotate(data: bool) -> None:
    added, rewrapped = rotation.rotate_master()
    click.echo(f"Master key version {added} added." if added else "Resumed a master rotation.")
    click.echo(f"Re-wrapped {rewrapped} data keys.")
    detail = f"master +v{added}" if added else "master resumed"
    if data:
        started, rows = rotation.rotate_data()
        click.echo(f"New data keys for {started} partnerships; re-encrypted {rows} rows.")
        detail += f"; data {rows} rows"
    append("key_rotated", "keyring", detail=detail)
    db.session.commit()

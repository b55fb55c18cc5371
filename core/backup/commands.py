"""`flask backup --out FILE` and `flask restore FILE`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from core.accesslog.chain import verify
from core.backup.archive import ArchiveInvalid
from core.backup.service import make_backup, restore_backup


@click.command("backup")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the encrypted archive.")
@with_appcontext
def backup_command(out: Path) -> None:
    """Write every table and stored file to one encrypted archive."""
    if out.exists():
        raise click.ClickException(f"{out} exists already; choose a new file name.")
    manifest = make_backup(out)
    rows = sum(manifest["tables"].values())
    click.echo(f"Wrote {out}: {rows} rows in {len(manifest['tables'])} tables, "
               f"{manifest['files']} files. Keep the master key apart from the archive.")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(archive: Path) -> None:
    """Restore an archive into this empty, migrated database, then check the access log."""
    try:
        restored = restore_backup(archive)
    except ArchiveInvalid as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored {sum(restored.counts.values())} rows and {restored.files} files.")
    verdict = verify()
    if not verdict.ok:
        raise click.ClickException(f"The restored access log does not verify: {verdict}")
    click.echo(f"Access log verified: {verdict.checked} entries.")

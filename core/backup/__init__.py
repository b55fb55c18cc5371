"""`flask backup` and `flask restore`: the whole platform in one encrypted archive.

What goes in: every table (rows as JSON lines, in dependency order) and every file under the
instance folder's subfolders (evidence files, held imports, exports: already encrypted on disk).
Not in: the SQLite file itself and the instance folder's top-level files (development secrets).
Master keys are never in an archive: restoring needs the same `MASTER_KEY`/`MASTER_KEY_FILE`,
because identity stays encrypted under the data keys that travel in the archive.
"""

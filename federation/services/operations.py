"""Running the installation: readiness checks and backups of the database."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from flask import current_app
from sqlalchemy import text
from sqlalchemy.engine import make_url

from federation.extensions import db


def migration_heads() -> tuple[set[str], set[str]]:
    """(heads of the migration scripts, revisions the database is at)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from federation.config import MIGRATIONS_DIR

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    quiet = logging.getLogger("alembic.runtime.migration")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # no "Context impl" lines on every probe
    try:
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    finally:
        quiet.setLevel(level)
    return set(script.get_heads()), current


def readiness() -> dict[str, dict]:
    checks: dict[str, dict] = {}
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
        checks["database"] = {"ok": True}
    except Exception as exc:  # any failure means "not ready", with the reason
        db.session.rollback()
        checks["database"] = {"ok": False, "error": type(exc).__name__}
    try:
        heads, current = migration_heads()
        checks["migrations"] = {"ok": heads == current, "head": sorted(heads), "database": sorted(current)}
    except Exception as exc:
        checks["migrations"] = {"ok": False, "error": type(exc).__name__}
    try:
        broker_ping()
        checks["queue"] = {"ok": True}
    except Exception as exc:
        checks["queue"] = {"ok": False, "error": type(exc).__name__}
    return checks


def broker_ping() -> None:
    from federation.tasks import huey

    storage = huey.storage
    conn = getattr(storage, "conn", None)
    if conn is not None and hasattr(conn, "ping"):
        conn.ping()  # Redis
    else:
        storage.queue_size()  # SQLite (and memory): a read of the queue table


# --- backups ----------------------------------------------------------------------


def database_url() -> str:
    return current_app.config["SQLALCHEMY_DATABASE_URI"]


def _pg_args(url: str) -> tuple[list[str], dict[str, str]]:
    parsed = make_url(url)
    args = [
        "-h",
        parsed.host or "127.0.0.1",
        "-p",
        str(parsed.port or 5432),
        "-U",
        parsed.username or "postgres",
    ]
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    return args, env


def backup_database(target: Path) -> Path:
    """Write a consistent backup of the live database to `target`.

    SQLite: the online backup API (pages copied under the database's own
    locking, so writers may go on); PostgreSQL: `pg_dump --format=custom`."""
    url = database_url()
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        source_path = make_url(url).database
        with closing(sqlite3.connect(source_path)) as source, closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
        return target
    if url.startswith("postgresql"):
        parsed = make_url(url)
        args, env = _pg_args(url)
        subprocess.run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                *args,
                "-f",
                str(target),
                parsed.database or "postgres",
            ],
            check=True,
            env=env,
        )
        return target
    raise ValueError(f"no backup method for {url.split(':', 1)[0]}")


def restore_database(source: Path, url: str) -> None:
    """Restore a backup into the (new, empty) database at `url`."""
    if url.startswith("sqlite"):
        path = Path(make_url(url).database or "")
        if path.exists() and path.stat().st_size:
            raise FileExistsError(f"{path} exists: restore into a new file")
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(source)) as backup, closing(sqlite3.connect(path)) as restored:
            backup.backup(restored)
        return
    if url.startswith(("postgresql", "postgres")):
        parsed = make_url(url)
        args, env = _pg_args(url)
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                *args,
                "-d",
                parsed.database or "postgres",
                str(source),
            ],
            check=True,
            env=env,
        )
        return
    raise ValueError(f"no restore method for {url.split(':', 1)[0]}")


def tool_available(name: str) -> bool:
    return shutil.which(name) is not None

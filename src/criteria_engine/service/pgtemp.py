"""A throwaway PostgreSQL server for tests and benchmarks, from the machine's own binaries.

Tests must run against a real PostgreSQL as well as SQLite, with nothing installed by
hand: this starts one from Debian's ``postgresql`` package (``initdb`` and ``pg_ctl``
under ``/usr/lib/postgresql/*/bin``) on a Unix socket in a temporary folder, as the
``postgres`` user when run as root (PostgreSQL refuses to run as root). No TCP port is
opened. :func:`find_binaries` returning None is the reason to skip.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def find_binaries() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl`` (the newest installed), or None."""
    env = os.environ.get("CRITERIA_ENGINE_PG_BIN")
    candidates = [env] if env else []
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
        reverse=True,
    )
    found = shutil.which("initdb")
    if found:
        candidates.append(str(Path(found).parent))
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


class TempPostgres:
    """Start with :meth:`start`, stop with :meth:`stop` (also on garbage collection)."""

    def __init__(self, *, fast: bool = True) -> None:
        self.bin = find_binaries()
        self.fast = fast  # no fsync: for tests, where the database server is never killed
        self.root: Path | None = None
        self.started = False

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)

    def start(self) -> TempPostgres:
        if self.bin is None:
            raise RuntimeError("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")
        self.root = Path(tempfile.mkdtemp(prefix="ce-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        data = self.root / "data"
        self._run(
            str(self.bin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip
        options = f"-k {self.root} -c listen_addresses='' -c max_connections=200"
        if self.fast:
            options += " -c fsync=off -c full_page_writes=off"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(data), "-o", options,
            "-l", str(self.root / "log"), "-w", "-t", "60", "start",
        )  # fmt: skip
        self.started = True
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.root}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database (copied from ``template`` when given); returns its URL."""
        import psycopg

        with psycopg.connect(f"host={self.root} user=postgres dbname=postgres") as conn:
            conn.autocommit = True
            extra = f" TEMPLATE {template}" if template else ""
            conn.execute(f'CREATE DATABASE "{name}"{extra}')
        return self.url(name)

    def stop(self) -> None:
        if self.started and self.root is not None:
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.root / "data"),
                          "-m", "immediate", "-w", "stop")  # fmt: skip
            self.started = False
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __del__(self) -> None:
        self.stop()

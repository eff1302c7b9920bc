"""The service's commands, as plain click objects: ``serve``, ``db`` (upgrade, export,
import) and ``users`` (add). The main CLI registers them lazily, so ``criteria-engine
packs`` or ``evaluate`` never import the web framework or the database drivers.
"""

from __future__ import annotations

import os
import sys

import click

from .settings import DEFAULT_DB, DEFAULT_MAX_BODY, DEFAULT_MAX_UPLOAD, Settings

DB_HELP = (
    "Database URL: a SQLite file path or sqlite:///…, or "
    "postgresql+psycopg://user:password@host/name. Default: ./criteria-engine.sqlite3"
)


def _db_option(func):  # type: ignore[no-untyped-def]
    return click.option(
        "--db", "db_url", default=DEFAULT_DB, envvar="CRITERIA_ENGINE_DB_URL", show_default=True,
        help=DB_HELP,
    )(func)  # fmt: skip


def _open(db_url: str):  # type: ignore[no-untyped-def]
    from .store import Store

    store = Store(db_url)
    store.upgrade()
    return store


@click.command("serve")
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--evidence-dir", type=click.Path(file_okay=False), help="Keep evidence files in "
              "this folder instead of the database.")  # fmt: skip
@click.option("--max-body", type=int, default=DEFAULT_MAX_BODY, show_default=True,
              help="Largest JSON body in bytes (413 above).")  # fmt: skip
@click.option("--max-upload", type=int, default=DEFAULT_MAX_UPLOAD, show_default=True,
              help="Largest evidence file in bytes (413 above).")  # fmt: skip
@click.option("--demo", is_flag=True, help="Load a Hưng Yên 2019 round from the bundled "
              "examples, with demo accounts, into an empty database.")  # fmt: skip
def serve(
    db_url: str,
    host: str,
    port: int,
    workers: int,
    evidence_dir: str | None,
    max_body: int,
    max_upload: int,
    demo: bool,
) -> None:
    """Run the online evaluation service (creates or upgrades the database first)."""
    import uvicorn

    settings = Settings(
        db_url=db_url,
        evidence_dir=os.path.abspath(evidence_dir) if evidence_dir else None,
        max_body=max_body,
        max_upload=max_upload,
        argon2_fast=os.environ.get("CRITERIA_ENGINE_ARGON2_FAST", "") == "1",
    )
    store = _open(db_url)
    if demo:
        from .demo import ACCOUNTS, PASSWORD, load_demo

        rid = load_demo(store, settings)
        if rid is not None:
            click.echo(f"demo round {rid} loaded (hungyen 2019)")
        click.echo(f"portal: http://{host}:{port}/login — demo accounts, password {PASSWORD!r}:")
        for login, role, unit in ACCOUNTS:
            click.echo(f"  {login:15} {role}" + (f" ({unit})" if unit else ""))
    store.dispose()
    os.environ.update(settings.to_env())  # worker processes build the app from these
    click.echo(f"serving on http://{host}:{port} ({store.dialect}, {workers} worker(s))", err=True)
    uvicorn.run(
        "criteria_engine.service.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


@click.group("db")
def db() -> None:
    """The service's database: migrate, export, import."""


@db.command("upgrade")
@_db_option
def db_upgrade(db_url: str) -> None:
    """Create the schema or bring it to the current revision."""
    store = _open(db_url)
    click.echo(f"{store.dialect} database at revision {store.revision()}")
    store.dispose()


@db.command("export")
@_db_option
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File (default: stdout).")
def db_export(db_url: str, output: str | None) -> None:
    """Write the whole database as JSON."""
    from .engine import dumps
    from .transfer import export

    store = _open(db_url)
    text = dumps(export(store)) + "\n"
    store.dispose()
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)


@db.command("import")
@_db_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
def db_import(db_url: str, file: str) -> None:
    """Load an export into an empty database."""
    from .engine import loads
    from .transfer import ImportError_, import_

    store = _open(db_url)
    if file == "-":
        raw = sys.stdin.read()
    else:
        with open(file, encoding="utf-8") as handle:
            raw = handle.read()
    try:
        counts = import_(store, loads(raw))
    except (ImportError_, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.dispose()
    click.echo(", ".join(f"{name}: {n}" for name, n in counts.items() if n) or "nothing imported")


@click.group("users")
def users() -> None:
    """Accounts of the service."""


@users.command("add")
@click.argument("login")
@click.option("--role", type=click.Choice(["admin", "reviewer", "unit"]), required=True)
@click.option("--unit", help="The unit's id (unit accounts only).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@_db_option
def users_add(login: str, role: str, unit: str | None, password_stdin: bool, db_url: str) -> None:
    """Create an account (the database is created or upgraded as needed)."""
    from .accounts import add_user
    from .errors import ApiError

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    store = _open(db_url)
    settings = Settings(db_url=db_url)
    try:
        with store.write() as session:
            add_user(session, settings, login=login, password=password, role=role, unit=unit,
                     actor="cli")  # fmt: skip
    except ApiError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        store.dispose()
    click.echo(f"added {role} {login}" + (f" for {unit}" if unit else ""))


#: what the main CLI registers: ``main.add_command(obj)`` for each
COMMANDS = (serve, db, users)

if __name__ == "__main__":  # pragma: no cover - ``python -m criteria_engine.service.cli``
    group = click.Group("criteria-engine-service", commands={c.name: c for c in COMMANDS})
    group()

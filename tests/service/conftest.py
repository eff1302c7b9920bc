"""Fixtures for the service: one database per test, on SQLite and on a real PostgreSQL.

PostgreSQL is started once per test session from the machine's own server binaries
(Debian's ``postgresql`` package, see :mod:`criteria_engine.service.pgtemp`); each test
gets a fresh database copied from a migrated template, and SQLite tests a copy of a
migrated file, so migrations run once per backend, not once per test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the service needs the [server] extra")

from fastapi.testclient import TestClient

from criteria_engine.service.accounts import add_user
from criteria_engine.service.app import create_app
from criteria_engine.service.pgtemp import TempPostgres, find_binaries
from criteria_engine.service.settings import Settings
from criteria_engine.service.store import Store

PASSWORD = "mat-khau-thu-nghiem"
NO_PG = "no PostgreSQL server binaries (install Debian's postgresql package)"


@pytest.fixture(scope="session")
def postgres() -> Iterator[TempPostgres | None]:
    if find_binaries() is None:
        yield None
        return
    server = TempPostgres().start()
    url = server.create_database("template_ce")
    store = Store(url)
    store.upgrade()
    store.dispose()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    store = Store(str(path))
    store.upgrade()
    store.dispose()
    return path


_counter = iter(range(1, 1_000_000))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh, migrated database of each kind."""
    if request.param == "sqlite":
        target = tmp_path / "service.sqlite3"
        shutil.copy(sqlite_template, target)
        return str(target)
    server = request.getfixturevalue("postgres")
    if server is None:
        pytest.skip(NO_PG)
    return server.create_database(f"t{next(_counter)}", template="template_ce")


def make_settings(db_url: str, **overrides: Any) -> Settings:
    return Settings(db_url=db_url, argon2_fast=True, **overrides)


class Api:
    """A test client that signs in as different accounts."""

    def __init__(self, client: TestClient, store: Store, settings: Settings) -> None:
        self.client = client
        self.store = store
        self.settings = settings
        self.tokens: dict[str, str] = {}

    def add_user(self, login: str, role: str, unit: str | None = None) -> None:
        with self.store.write() as session:
            add_user(session, self.settings, login=login, password=PASSWORD, role=role,
                     unit=unit, actor="test")  # fmt: skip

    def login(self, login: str) -> str:
        if login not in self.tokens:
            response = self.client.post(
                "/api/v1/login", json={"login": login, "password": PASSWORD}
            )
            assert response.status_code == 200, response.text
            self.tokens[login] = response.json()["token"]
        return self.tokens[login]

    def headers(self, who: str | None, extra: dict[str, str] | None = None) -> dict[str, str]:
        out = dict(extra or {})
        if who is not None:
            out["Authorization"] = f"Bearer {self.login(who)}"
        return out

    def get(self, path: str, who: str | None = None, **kw: Any) -> Any:
        return self.client.get(path, headers=self.headers(who, kw.pop("headers", None)), **kw)

    def post(self, path: str, who: str | None = None, **kw: Any) -> Any:
        return self.client.post(path, headers=self.headers(who, kw.pop("headers", None)), **kw)

    def put(self, path: str, who: str | None = None, **kw: Any) -> Any:
        return self.client.put(path, headers=self.headers(who, kw.pop("headers", None)), **kw)


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url)


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    """The app in-process, with an admin and a reviewer account."""
    store = Store(settings.db_url)
    app = create_app(settings, store=store)
    with TestClient(app) as client:
        helper = Api(client, store, settings)
        helper.add_user("admin", "admin")
        helper.add_user("thamdinh", "reviewer")
        yield helper
    store.dispose()

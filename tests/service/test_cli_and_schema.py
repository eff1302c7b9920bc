"""The service's commands, its migrations, its OpenAPI document, and what stays lazy."""

from __future__ import annotations

import json
import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from fastapi.testclient import TestClient

from criteria_engine.service import cli
from criteria_engine.service.app import create_app
from criteria_engine.service.models import Base
from criteria_engine.service.store import Store, head_revision

from .conftest import make_settings


def test_migrations_build_exactly_the_models(db_url):
    store = Store(db_url)
    assert store.revision() == head_revision()
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    store.dispose()


def test_a_new_sqlite_file_is_created_and_migrated_on_first_use(tmp_path):
    target = tmp_path / "new" / "portal.sqlite3"
    result = CliRunner().invoke(cli.db, ["upgrade", "--db", str(target)])
    assert result.exit_code == 0, result.output
    assert target.exists() and "revision 0001" in result.output
    store = Store(str(target))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.dispose()


def test_users_add_export_import(db_url, tmp_path):
    runner = CliRunner()
    added = runner.invoke(cli.users, ["add", "thanh-tra", "--role", "unit", "--unit",
                                      "thanh-tra-tinh", "--password-stdin", "--db", db_url],
                          input="mat-khau-dai-du\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    args = ["add", "thanh-tra", "--role", "unit", "--unit", "x", "--password-stdin", "--db", db_url]
    again = runner.invoke(cli.users, args, input="mat-khau-dai-du\n")
    assert again.exit_code != 0 and "đã có" in again.output
    dump = tmp_path / "dump.json"
    exported = runner.invoke(cli.db, ["export", "--db", db_url, "-o", str(dump)])
    assert exported.exit_code == 0, exported.output
    data = json.loads(dump.read_text(encoding="utf-8"))
    assert [u["login"] for u in data["tables"]["users"]] == ["thanh-tra"]
    target = tmp_path / "copy.sqlite3"
    imported = runner.invoke(cli.db, ["import", "--db", str(target), str(dump)])
    assert imported.exit_code == 0, imported.output
    twice = runner.invoke(cli.db, ["import", "--db", str(target), str(dump)])
    assert twice.exit_code != 0 and "not empty" in twice.output
    with TestClient(create_app(make_settings(str(target)))) as client:
        login = client.post("/api/v1/login",
                            json={"login": "thanh-tra", "password": "mat-khau-dai-du"})  # fmt: skip
        assert login.status_code == 200


def test_openapi_is_generated_with_the_engines_block_schemas(api):
    document = api.get("/openapi.json").json()
    paths = document["paths"]
    for path in (
        "/api/v1/health", "/api/v1/login", "/api/v1/users", "/api/v1/rounds",
        "/api/v1/rounds/{rid}/units/{uid}/submission", "/api/v1/rounds/{rid}/units/{uid}/submit",
        "/api/v1/rounds/{rid}/units/{uid}/review", "/api/v1/rounds/{rid}/units/{uid}/evidence",
        "/api/v1/rounds/{rid}/publish", "/api/v1/rounds/{rid}/results",
        "/api/v1/rounds/{rid}/audit", "/api/v1/evaluate",
    ):  # fmt: skip
        assert path in paths, path
    assert set(paths["/api/v1/rounds/{rid}/units/{uid}/submission"]) >= {"get", "put"}
    schemas = document["components"]["schemas"]
    commune = schemas["Unit.hungyen.2018.commune"]
    assert commune["x-pack"] == "hungyen@2018"
    assert "docs_total" in json.dumps(commune) or commune["properties"]["inputs"]["properties"]
    assert "Unit.gialai.2019.department" in schemas


def test_evaluate_is_stateless_and_signed_in(api):
    from .examples import as_json, records, unit_body

    units = [unit_body(r) for r in records("hungyen", pattern="district.json")]
    body = as_json({"pack": "hungyen", "period": "2019", "units": units})
    headers = {"content-type": "application/json"}
    assert api.post("/api/v1/evaluate", content=body, headers=headers).status_code == 401
    response = api.post("/api/v1/evaluate", "thamdinh", content=body, headers=headers)
    assert response.status_code == 200
    import criteria_engine as ce

    pack = ce.load_pack("hungyen", period="2019")
    expected = ce.outcome_json(ce.run_batch(pack, units=[{**u, "period": "2019"} for u in units]),
                               "2019")  # fmt: skip
    assert response.json() == expected
    bad = api.post("/api/v1/evaluate", "thamdinh", content=as_json({"pack": "x", "units": []}),
                   headers=headers)  # fmt: skip
    assert bad.status_code == 422 and bad.json()["field"] == "pack"


def test_the_library_and_its_cli_do_not_import_the_service():
    code = (
        "import sys, criteria_engine as ce\n"
        "from criteria_engine.cli import main\n"
        "ce.load_pack('hungyen')\n"
        "try:\n    main(['packs'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "light = ('criteria_engine.service', 'criteria_engine.service.cli',"
        " 'criteria_engine.service.settings')\n"
        "heavy = [m for m in sys.modules if m.startswith(('criteria_engine.service', 'fastapi',"
        " 'sqlalchemy', 'uvicorn', 'alembic', 'psycopg')) and m not in light]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"

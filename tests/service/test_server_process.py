"""A real server process: nothing acknowledged is lost through kill -9 and a restart, and
two worker processes serve one round (tokens, throttling and locks live in the DB)."""

from __future__ import annotations

import threading

import httpx

from criteria_engine.service.accounts import add_user
from criteria_engine.service.settings import Settings
from criteria_engine.service.store import Store

from .conftest import PASSWORD
from .examples import as_json, records, unit_body
from .server import Server
from .test_submissions import FUTURE


def _prepare(db_url: str) -> None:
    store = Store(db_url)
    with store.write() as session:
        add_user(session, Settings(argon2_fast=True), login="admin", password=PASSWORD,
                 role="admin", unit=None, actor="test")  # fmt: skip
    store.dispose()


def _login(base: str) -> dict[str, str]:
    token = httpx.post(f"{base}/api/v1/login", json={"login": "admin", "password": PASSWORD})
    return {"Authorization": f"Bearer {token.json()['token']}", "content-type": "application/json"}


def _round(base: str, headers: dict[str, str], communes: list[dict]) -> int:
    roster = [{"id": r["id"], "name": r["name"], "block": "commune", "parent": r["parent"]}
              for r in communes]  # fmt: skip
    body = {"pack": "hungyen", "period": "2019", "deadlines": {"commune": FUTURE}, "units": roster}
    response = httpx.post(f"{base}/api/v1/rounds", headers=headers, json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_acknowledged_saves_survive_kill_9_and_restart(db_url, tmp_path):
    _prepare(db_url)
    communes = records("hungyen", pattern="commune-*.json")[:60]
    server = Server(db_url, log=tmp_path / "server.log").start()
    try:
        headers = _login(server.base)
        rid = _round(server.base, headers, communes)
        acknowledged: dict[str, int] = {}
        stop = threading.Event()

        def save_until_killed() -> None:
            with httpx.Client(base_url=server.base, headers=headers, timeout=5) as client:
                for record in communes:
                    if stop.is_set():
                        return
                    body = unit_body(record)
                    body["inputs"] = {**body["inputs"]}
                    try:
                        response = client.put(
                            f"/api/v1/rounds/{rid}/units/{record['id']}/submission",
                            content=as_json(body),
                        )
                    except httpx.HTTPError:
                        return  # the server died mid-request: not acknowledged
                    if response.status_code == 200:
                        acknowledged[record["id"]] = response.json()["version"]

        saver = threading.Thread(target=save_until_killed)
        saver.start()
        while len(acknowledged) < 20 and saver.is_alive():
            threading.Event().wait(0.01)
        server.kill()
        stop.set()
        saver.join(10)
        assert len(acknowledged) >= 20
    finally:
        server.kill()
    restarted = Server(db_url, log=tmp_path / "server.log").start()
    try:
        headers = _login(restarted.base)
        for uid, version in acknowledged.items():
            got = httpx.get(f"{restarted.base}/api/v1/rounds/{rid}/units/{uid}/submission",
                            headers=headers)  # fmt: skip
            assert got.status_code == 200, uid
            assert got.json()["version"] == version
            assert got.json()["total"] is not None
        # and a clean restart (SIGTERM) keeps everything too
        restarted.stop()
        restarted = Server(db_url, log=tmp_path / "server.log").start()
        listed = httpx.get(f"{restarted.base}/api/v1/rounds/{rid}/units",
                           headers=_login(restarted.base)).json()  # fmt: skip
        drafts = {u["id"] for u in listed if u["state"] == "draft"}
        # the save in flight at the kill may have committed without its answer arriving
        assert set(acknowledged) <= drafts and len(drafts - set(acknowledged)) <= 1
    finally:
        restarted.stop()


def test_a_round_with_two_workers(db_url, tmp_path):
    _prepare(db_url)
    communes = records("hungyen", pattern="commune-huyen-van-lam.json")
    server = Server(db_url, workers=2, log=tmp_path / "server.log").start()
    try:
        # every request on a new connection, so both processes take their share
        limits = httpx.Limits(max_keepalive_connections=0)
        with httpx.Client(base_url=server.base, limits=limits, timeout=10) as client:
            processes = {client.get("/api/v1/health").json()["process"] for _ in range(30)}
            assert len(processes) == 2
            headers = _login(server.base)
            rid = _round(server.base, headers, communes)
            for record in communes:
                path = f"/api/v1/rounds/{rid}/units/{record['id']}"
                saved = client.put(f"{path}/submission", headers=headers,
                                   content=as_json(unit_body(record)))  # fmt: skip
                assert saved.status_code == 200, saved.text
                stale = client.put(f"{path}/submission", content=as_json(unit_body(record)),
                                   headers={**headers, "If-Match": '"0"'})  # fmt: skip
                assert stale.status_code == 409
                assert client.post(f"{path}/submit", headers=headers).status_code == 200
            # login throttling is shared: failures on any worker count
            for _ in range(5):
                bad = client.post("/api/v1/login", json={"login": "admin", "password": "x"})
                assert bad.status_code == 401
            good = client.post("/api/v1/login", json={"login": "admin", "password": PASSWORD})
            assert good.status_code == 429
            published = client.post(f"/api/v1/rounds/{rid}/publish", headers=headers)
            assert published.status_code == 200
            ranked = [s for s in published.json()["blocks"]["commune"] if s["status"] == "ranked"]
            assert len(ranked) == len(communes)
            assert client.get(f"/api/v1/rounds/{rid}/results").json() == published.json()
    finally:
        server.stop()

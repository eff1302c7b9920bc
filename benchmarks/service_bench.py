"""Service benchmark: saves with scoring under 16 concurrent clients, SQLite and PostgreSQL.

For each database (SQLite in a temporary file; PostgreSQL from the machine's own server
binaries, fsync on, when they exist), starts a real ``criteria-engine serve`` on a free
loopback port, opens a Hưng Yên 2019 round with the 161 example communes, and has 16
client threads save commune records (each save is checked and scored by the engine, and
answered with the unit's total) for a bounded number of saves and seconds. Prints
throughput and p50/p95 latency, and the same work done by calling the library directly
(check + evaluate of one record) in one process. Then 16 signed-in browsers use the
portal on the same server: the survey form page (GET) and a save answered with the score
card (POST and the page it redirects to), p50/p95 of each (target p95 < 150 ms).
The last line reads
``ratio service/library (sqlite): X``: the library's saves per second over the
service's, i.e. how many times slower a save over HTTP with a database is.

Loopback only; bounded in count (``--saves``) and time (``--seconds``).
Run: ``python benchmarks/service_bench.py`` (``--quick`` for a smaller run).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

import httpx

import criteria_engine as ce

PASSWORD = "mat-khau-benchmark"
LAST_ROUND: dict[str, int] = {}  # the round each server's load opened, for the portal run
PACKS = Path(__file__).resolve().parents[1] / "packs"


def communes() -> list[dict]:
    out = []
    for path in sorted((PACKS / "hungyen" / "examples" / "2019").glob("commune-*.json")):
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        out += [{k: v for k, v in u.items() if k != "period"} for u in data["units"]]
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(db_url: str, workers: int) -> tuple[subprocess.Popen, str]:
    from criteria_engine.service.accounts import add_user
    from criteria_engine.service.settings import Settings
    from criteria_engine.service.store import Store

    store = Store(db_url)
    store.upgrade()
    with store.write() as session:
        add_user(session, Settings(), login="admin", password=PASSWORD, role="admin", unit=None,
                 actor="bench")  # fmt: skip
    store.dispose()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "criteria_engine.service.cli", "serve", "--db", db_url,
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    raise RuntimeError("the server did not start")


def load(base: str, records: list[dict], clients: int, saves: int, seconds: float) -> dict:
    token = httpx.post(f"{base}/api/v1/login", json={"login": "admin", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json()['token']}",
               "content-type": "application/json"}  # fmt: skip
    roster = [{"id": r["id"], "name": r["name"], "block": "commune", "parent": r["parent"]}
              for r in records]  # fmt: skip
    body = {"pack": "hungyen", "period": "2019", "deadlines": {}, "units": roster}
    rid = httpx.post(f"{base}/api/v1/rounds", headers=headers, timeout=30, json=body).json()["id"]
    LAST_ROUND[base] = rid
    from criteria_engine.service.engine import dumps

    bodies = [(r["id"], dumps(r).encode("utf-8")) for r in records]
    latencies: list[float] = []
    errors = [0]
    counter = iter(range(saves))
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
            while time.monotonic() < deadline:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                uid, body = bodies[n % len(bodies)]
                began = time.perf_counter()
                response = http.put(f"/api/v1/rounds/{rid}/units/{uid}/submission", content=body)
                took = time.perf_counter() - began
                with lock:
                    latencies.append(took)
                    if response.status_code != 200 or response.json().get("total") is None:
                        errors[0] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "saves": len(latencies),
        "errors": errors[0],
        "per_second": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
    }


def form_fields(record: dict) -> dict[str, str]:
    """The portal's survey form filled in for a record: inputs named by their ids."""
    out = {}
    for name, value in record["inputs"].items():
        if isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif value is not None:
            out[name] = str(value)
    return out


def percentiles(latencies: list[float]) -> tuple[float, float]:
    latencies = sorted(latencies)
    return statistics.median(latencies) * 1000, latencies[int(len(latencies) * 0.95) - 1] * 1000


def portal(base: str, rid: int, records: list[dict], clients: int, rounds_each: int) -> dict:
    """The portal's pages under ``clients`` concurrent signed-in browsers: the survey form
    page (GET) and a save answered with the score card (POST, then the page it redirects
    to, as a browser does)."""
    import re

    def sign_in(http: httpx.Client) -> str:
        page = http.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        http.post("/login", data={"login": "admin", "password": PASSWORD, "csrf_token": token})
        form = http.get(f"/rounds/{rid}/units/{records[0]['id']}").text
        return re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)

    gets: list[float] = []
    saves: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client(index: int) -> None:
        with httpx.Client(base_url=base, timeout=30, follow_redirects=True) as http:
            token = sign_in(http)
            for n in range(rounds_each):
                record = records[(index * rounds_each + n) % len(records)]
                path = f"/rounds/{rid}/units/{record['id']}"
                began = time.perf_counter()
                page = http.get(path)
                got = time.perf_counter() - began
                data = {**form_fields(record), "csrf_token": token, "_action": "save"}
                began = time.perf_counter()
                saved = http.post(path, data=data)
                took = time.perf_counter() - began
                with lock:
                    gets.append(got)
                    saves.append(took)
                    if page.status_code != 200 or saved.status_code != 200 or (
                        'id="tong-diem"' not in saved.text
                    ):
                        errors[0] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    get50, get95 = percentiles(gets)
    save50, save95 = percentiles(saves)
    return {"requests": len(gets) + len(saves), "errors": errors[0], "get_p50": get50,
            "get_p95": get95, "save_p50": save50, "save_p95": save95}  # fmt: skip


def library(records: list[dict], seconds: float = 3.0) -> float:
    """Saves per second when the same check and scoring is a direct library call."""
    pack = ce.load_pack("hungyen", period="2019")
    units = [{**r, "period": "2019"} for r in records]
    for unit in units[:20]:
        ce.evaluate(pack, unit)
    done, began = 0, time.perf_counter()
    while time.perf_counter() - began < seconds:
        for unit in units:
            if isinstance(ce.check_record(pack, unit), list):
                raise AssertionError("invalid example")
            ce.evaluate(pack, unit)
        done += len(units)
    return done / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--saves", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--portal-rounds", type=int, default=20,
                        help="form page + save pairs per portal client")  # fmt: skip
    args = parser.parse_args()
    if args.quick:
        args.saves, args.seconds = 600, 10.0
    records = communes()
    direct = library(records)
    print(f"library (check + evaluate one record): {direct:,.0f} saves/s")
    from criteria_engine.service.pgtemp import TempPostgres, find_binaries

    ratios = {}
    with tempfile.TemporaryDirectory() as folder:
        targets = [("sqlite", lambda: str(Path(folder) / "bench.sqlite3"), None)]
        pg = TempPostgres(fast=False) if find_binaries() else None
        if pg is not None:
            targets.append(("postgresql", lambda: pg.start().create_database("bench"), pg))
        else:
            print("postgresql: skipped (no server binaries)")
        for name, make_url, server in targets:
            process, base = start(make_url(), args.workers)
            try:
                r = load(base, records, args.clients, args.saves, args.seconds)
                pages = portal(base, LAST_ROUND[base], records, args.clients,
                               5 if args.quick else args.portal_rounds)  # fmt: skip
            finally:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(20)
                if server is not None:
                    server.stop()
            ratios[name] = direct / r["per_second"]
            print(f"{name}: {r['saves']} saves by {args.clients} clients, {args.workers} "
                  f"worker(s): {r['per_second']:,.0f} saves/s, p50 {r['p50']:.1f} ms, "
                  f"p95 {r['p95']:.1f} ms, {r['errors']} errors; "
                  f"ratio service/library {ratios[name]:.1f}")  # fmt: skip
            print(f"{name} portal: {args.clients} signed-in browsers, {pages['requests']} "
                  f"requests: form page p50 {pages['get_p50']:.1f} ms, p95 "
                  f"{pages['get_p95']:.1f} ms; save with score card p50 "
                  f"{pages['save_p50']:.1f} ms, p95 {pages['save_p95']:.1f} ms; "
                  f"{pages['errors']} errors (target p95 < 150 ms)")  # fmt: skip
    print(f"ratio service/library (sqlite): {ratios['sqlite']:.1f}")


if __name__ == "__main__":
    main()

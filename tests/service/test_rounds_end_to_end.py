"""Whole rounds over HTTP on both databases: Gia Lai with self-assessment, districts
forwarding their communes, verification and publication; Hưng Yên's 161 communes saved and
submitted by 16 concurrent clients. Results must equal ``POST /api/v1/evaluate`` (the
engine, statelessly) on the same unit records."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from .examples import as_json, records, unit_body
from .test_evidence import PDF
from .test_submissions import FUTURE, _path, _put

UNIT_FIELDS = ("id", "name", "block", "parent", "head", "inputs", "self_scores", "reasons",
               "submitted", "stage")  # fmt: skip


def engine_units(api, rid: int) -> list[dict[str, Any]]:
    """The submitted records as the round holds them, in the engine's shape."""
    units = []
    for unit in api.get(f"/api/v1/rounds/{rid}/units", "admin").json():
        if unit["state"] != "submitted":
            continue
        data = api.get(f"{_path(rid, unit['id'])}/submission", "admin").json()
        record = {k: data[k] for k in UNIT_FIELDS if data.get(k) is not None}
        if data.get("review"):
            record["verified"] = data["review"]["verified"]
        units.append(record)
    return units


def ranking(results: dict[str, Any]) -> dict[str, Any]:
    """Saved results without where they stand (draft or published) and its caveat line."""
    return {k: v for k, v in results.items() if k not in ("state", "caveats")}


def evaluate(api, pack: str, period: str, units: list[dict[str, Any]]) -> dict[str, Any]:
    response = api.post("/api/v1/evaluate", "thamdinh",
                        content=as_json({"pack": pack, "period": period, "units": units}),
                        headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 200, response.text
    return response.json()


def test_gialai_round_end_to_end(api):
    deadlines = {"department": FUTURE, "district": FUTURE, "commune": FUTURE}
    body = {"pack": "gialai@2019", "period": "2019", "deadlines": deadlines}
    rid = api.post("/api/v1/rounds", "admin", json=body).json()["id"]
    examples = records("gialai")
    by_id = {r["id"]: r for r in examples}
    # two departments and one district with its communes fill in their own forms
    own = ["so-tai-chinh", "so-noi-vu"]
    for uid in own:
        api.add_user(uid, "unit", uid)
    api.add_user("huyen-chu-pah", "unit", "huyen-chu-pah")
    for uid in own:
        assert _put(api, uid, rid, uid, unit_body(by_id[uid])).status_code == 200
        assert api.post(f"{_path(rid, uid)}/submit", uid).status_code == 200
    district = [
        r for r in examples if r["id"] == "huyen-chu-pah" or r.get("parent") == "huyen-chu-pah"
    ]
    for record in district:
        saved = _put(api, "huyen-chu-pah", rid, record["id"], unit_body(record))
        assert saved.status_code == 200, saved.text
        up = api.post(f"{_path(rid, record['id'])}/evidence", "huyen-chu-pah",
                      data={"criterion": "1.1"}, files={"file": ("bien-ban.pdf", PDF)})  # fmt: skip
        assert up.status_code == 201, up.text
        assert api.post(f"{_path(rid, record['id'])}/submit", "huyen-chu-pah").status_code == 200
    # the office types in the other paper forms, with the day each arrived
    typed = [r for r in examples if r["id"] not in own and r not in district]
    for record in typed:
        assert (
            _put(api, "admin", rid, record["id"], unit_body(record, dated=True)).status_code == 200
        )
        assert api.post(f"{_path(rid, record['id'])}/submit", "admin").status_code == 200
    # the verification team enters what it found, as the examples record it
    for record in examples:
        if record.get("verified"):
            reasons = dict.fromkeys(record["verified"], "Số liệu xác minh tại đơn vị")
            body = {"verified": record["verified"], "reasons": reasons}
            done = api.post(f"{_path(rid, record['id'])}/review", "thamdinh", content=as_json(body),
                            headers={"content-type": "application/json"})  # fmt: skip
            assert done.status_code == 200, done.text
    preview = api.get(f"/api/v1/rounds/{rid}/results", "thamdinh").json()
    published = api.post(f"/api/v1/rounds/{rid}/publish", "admin").json()
    public = api.get(f"/api/v1/rounds/{rid}/results").json()
    assert published == public and public["state"] == "published"
    assert preview["state"] == "draft" and ranking(preview) == ranking(published)
    assert ranking(public) == ranking(evaluate(api, "gialai@2019", "2019", engine_units(api, rid)))
    assert public["counts"] == {"units": len(examples), "results": len(examples), "errors": 0}
    statuses = {s["unit_id"]: s["status"] for rows in public["blocks"].values() for s in rows}
    # the office's forms carry their 2019 dates and rank; forms sent here today are past the
    # decision's 2019 deadline, which the engine judges from the pack's calendar
    assert statuses["van-phong-ubnd-tinh"] == "ranked" and statuses["so-tai-chinh"] == "late"
    assert statuses["ban-quan-ly-khu-kinh-te-tinh"] == "missing"
    actions = {e["action"] for e in api.get(f"/api/v1/rounds/{rid}/audit", "admin").json()}
    assert actions >= {"round-create", "save", "submit", "upload", "review", "publish"}


async def _hungyen_race(app, tokens: dict[str, str], rid: int, communes: list[dict]) -> dict:
    """16 clients save and submit every commune; every 8th commune is saved by two clients
    at once, both claiming to create it (If-Match "0"): one must win, one get 409."""
    outcome = {"races": 0, "conflicts": 0}
    queue: asyncio.Queue = asyncio.Queue()
    for index, record in enumerate(communes):
        queue.put_nowait((index, record))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:

        def put(record, token, **headers):
            return client.put(
                f"{_path(rid, record['id'])}/submission",
                content=as_json(unit_body(record)),
                headers={"Authorization": f"Bearer {token}", "content-type": "application/json",
                         **headers},
            )  # fmt: skip

        async def worker() -> None:
            while not queue.empty():
                index, record = queue.get_nowait()
                token = tokens[record["parent"]]
                if index % 8 == 0:
                    outcome["races"] += 1
                    first, second = await asyncio.gather(
                        put(record, token, **{"If-Match": '"0"'}),
                        put(record, token, **{"If-Match": '"0"'}),
                    )
                    codes = sorted((first.status_code, second.status_code))
                    assert codes == [200, 409], (first.text, second.text)
                    outcome["conflicts"] += 1
                    current = (first if first.status_code == 200 else second).json()["version"]
                    again = await put(record, token, **{"If-Match": f'"{current}"'})
                    assert again.status_code == 200, again.text
                else:
                    saved = await put(record, token)
                    assert saved.status_code == 200, saved.text
                done = await client.post(f"{_path(rid, record['id'])}/submit",
                                         headers={"Authorization": f"Bearer {token}"})  # fmt: skip
                assert done.status_code == 200, done.text

        await asyncio.gather(*(worker() for _ in range(16)))
    return outcome


def test_hungyen_161_communes_by_16_concurrent_clients(api):
    communes = records("hungyen", pattern="commune-*.json")
    assert len(communes) == 161
    roster = [{"id": r["id"], "name": r["name"], "block": "commune", "parent": r["parent"]}
              for r in communes]  # fmt: skip
    rid = api.post("/api/v1/rounds", "admin", json={"pack": "hungyen", "period": "2019",
                   "deadlines": {"commune": FUTURE}, "units": roster}).json()["id"]  # fmt: skip
    districts = sorted({r["parent"] for r in communes})
    for district in districts:
        api.add_user(district, "unit", district)
    tokens = {d: api.login(d) for d in districts}
    outcome = asyncio.run(_hungyen_race(api.client.app, tokens, rid, communes))
    assert outcome["races"] == outcome["conflicts"] == 21
    units = api.get(f"/api/v1/rounds/{rid}/units", "admin").json()
    assert sum(u["state"] == "submitted" for u in units) == 161
    published = api.post(f"/api/v1/rounds/{rid}/publish", "admin").json()
    ranked = [s for s in published["blocks"]["commune"] if s["status"] == "ranked"]
    assert len(ranked) == 161
    assert ranking(published) == ranking(evaluate(api, "hungyen", "2019", engine_units(api, rid)))
    saves = [e for e in api.get(f"/api/v1/rounds/{rid}/audit", "admin").json()
             if e["action"] == "save"]  # fmt: skip
    assert len(saves) == 161 + 21  # every acknowledged save, and no refused one

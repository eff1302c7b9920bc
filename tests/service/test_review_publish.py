"""Verification, approval, publication, frozen public results, history."""

from __future__ import annotations

import pytest

import criteria_engine as ce

from .examples import as_json, records, unit_body
from .test_submissions import FUTURE, _path, _put


@pytest.fixture
def submitted(api):
    """A Gia Lai round with four departments submitted by the admin (paper forms)."""
    rid = api.post("/api/v1/rounds", "admin", json={"pack": "gialai@2019", "period": "2019",
                   "deadlines": {"department": FUTURE}}).json()["id"]  # fmt: skip
    api.add_user("so-tai-chinh", "unit", "so-tai-chinh")
    depts = records("gialai", pattern="departments.json")[:4]
    for record in depts:
        body = unit_body(record, dated=True)  # paper forms, with the day they arrived
        assert _put(api, "admin", rid, record["id"], body).status_code == 200
        assert api.post(f"{_path(rid, record['id'])}/submit", "admin").status_code == 200
    return rid, depts


def _review(api, who, rid, uid, body):
    return api.post(f"{_path(rid, uid)}/review", who, content=as_json(body),
                    headers={"content-type": "application/json"})  # fmt: skip


def test_review_needs_reasons_and_lists_differences(api, submitted):
    rid, _ = submitted
    uid = "so-tai-chinh"
    body = {"verified": {"docs_out_electronic": 10}, "reasons": {}}
    assert _review(api, "so-tai-chinh", rid, uid, body).status_code == 403
    no_reason = _review(api, "thamdinh", rid, uid, body)
    assert (
        no_reason.status_code == 422 and no_reason.json()["field"] == "reasons.docs_out_electronic"
    )
    score = _review(api, "thamdinh", rid, uid, {"verified": {"1.1": 5}, "reasons": {"1.1": "x"}})
    assert score.status_code == 422 and score.json()["field"] == "verified.1.1"
    bad = _review(
        api,
        "thamdinh",
        rid,
        uid,
        {"verified": {"docs_out_electronic": -1}, "reasons": {"docs_out_electronic": "x"}},
    )
    assert bad.status_code == 422 and bad.json()["field"] == "verified.docs_out_electronic"
    body["reasons"] = {"docs_out_electronic": "Sổ theo dõi văn bản chỉ ghi nhận 10 văn bản"}
    done = _review(api, "thamdinh", rid, uid, body)
    assert done.status_code == 200, done.text
    data = done.json()
    assert data["review"]["verified"] == {"docs_out_electronic": 10}
    assert data["differences"]["inputs"][0]["input"] == "docs_out_electronic"
    assert any(c["declared_score"] for c in data["differences"]["criteria"])
    seen = api.get(f"{_path(rid, uid)}/review", "so-tai-chinh").json()
    assert seen["differences"] == data["differences"]


def test_results_before_and_after_publication(api, submitted):
    rid, depts = submitted
    assert api.get(f"/api/v1/rounds/{rid}/results").status_code == 401
    assert api.get(f"/api/v1/rounds/{rid}/results", "so-tai-chinh").status_code == 403
    preview = api.get(f"/api/v1/rounds/{rid}/results", "thamdinh")
    assert preview.status_code == 200
    assert api.post(f"/api/v1/rounds/{rid}/publish", "thamdinh").status_code == 403
    published = api.post(f"/api/v1/rounds/{rid}/publish", "admin")
    assert published.status_code == 200
    public = api.get(f"/api/v1/rounds/{rid}/results")
    assert public.status_code == 200 and public.json() == published.json()
    # the preview is the same ranking, marked as a draft rather than published
    assert published.json()["state"] == "published" and preview.json()["state"] == "draft"
    same = {k: v for k, v in preview.json().items() if k not in ("state", "caveats")}
    assert same == {k: v for k, v in published.json().items() if k not in ("state", "caveats")}
    # exactly what the library's evaluate --format json gives for the same records
    pack = ce.load_pack("gialai@2019")
    units = [{**unit_body(r, dated=True), "period": "2019"} for r in depts]
    expected = ce.outcome_json(ce.run_batch(pack, units=units, state="published"), "2019")
    assert public.json() == expected
    assert len([s for s in expected["blocks"]["department"] if s["status"] == "ranked"]) == 4
    # frozen
    again = _put(api, "admin", rid, depts[0]["id"], unit_body(depts[0]))
    assert again.status_code == 409 and again.json()["code"] == "round-published"
    review = _review(api, "admin", rid, depts[0]["id"], {"verified": {}, "reasons": {}})
    assert review.status_code == 409
    assert api.post(f"/api/v1/rounds/{rid}/publish", "admin").status_code == 409
    assert api.get(f"/api/v1/rounds/{rid}").status_code == 200


def test_approve_then_nothing_changes(api, submitted):
    rid, depts = submitted
    assert api.post(f"/api/v1/rounds/{rid}/approve", "admin").status_code == 200
    assert _put(api, "admin", rid, depts[0]["id"], unit_body(depts[0])).status_code == 409
    assert api.post(f"/api/v1/rounds/{rid}/publish", "admin").status_code == 200


def test_next_round_compares_with_the_last_one_from_the_database(api):
    """Bắc Kạn compares each year with the last: 2018 published, then 2019."""
    ids = {}
    for period in ("2018", "2019"):
        rid = api.post("/api/v1/rounds", "admin", json={"pack": "backan", "period": period,
                       "deadlines": {}}).json()["id"]  # fmt: skip
        for record in records("backan", period, "*.json")[:12]:
            body = unit_body(record)
            saved = _put(api, "admin", rid, body["id"], body)
            assert saved.status_code == 200, saved.text
            assert api.post(f"{_path(rid, body['id'])}/submit", "admin").status_code == 200
        ids[period] = rid
        if period == "2018":
            assert api.get(f"/api/v1/rounds/{rid}/changes", "admin").status_code == 404
            assert api.post(f"/api/v1/rounds/{rid}/publish", "admin").status_code == 200
    changes = api.get(f"/api/v1/rounds/{ids['2019']}/changes", "admin")
    assert changes.status_code == 200, changes.text
    data = changes.json()
    assert data["previous"]["round"] == ids["2018"]
    rows = [row for block in data["blocks"] for row in block["rows"]]
    assert rows and any(row.get("previous_rank") is not None for row in rows)

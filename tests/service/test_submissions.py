"""Rounds, drafts, versions, submission, deadlines and reopening, over HTTP."""

from __future__ import annotations

import datetime as dt

import pytest

from .examples import as_json, records, unit_body

FUTURE = "2099-12-31T17:00:00+07:00"
PAST = "2000-01-01T00:00:00+07:00"


@pytest.fixture
def gialai(api):
    """An open Gia Lai 2019 round and accounts for a department and a district."""
    body = {"pack": "gialai@2019", "period": "2019",
            "deadlines": {"department": FUTURE, "district": FUTURE, "commune": FUTURE}}  # fmt: skip
    response = api.post("/api/v1/rounds", "admin", json=body)
    assert response.status_code == 201, response.text
    api.add_user("so-tai-chinh", "unit", "so-tai-chinh")
    api.add_user("so-noi-vu", "unit", "so-noi-vu")
    api.add_user("huyen-chu-pah", "unit", "huyen-chu-pah")
    return response.json()["id"]


def _dept(uid="so-tai-chinh"):
    return next(
        unit_body(r) for r in records("gialai", pattern="departments.json") if r["id"] == uid
    )


def _path(rid, uid):
    return f"/api/v1/rounds/{rid}/units/{uid}"


def _put(api, who, rid, uid, body, **headers):
    return api.put(f"{_path(rid, uid)}/submission", who, content=as_json(body),
                   headers={"content-type": "application/json", **headers})  # fmt: skip


def test_round_creation_checks_pack_blocks_and_deadlines(api):
    bad_block = api.post(
        "/api/v1/rounds",
        "admin",
        json={"pack": "gialai@2019", "period": "2019", "deadlines": {"so": FUTURE}},
    )
    assert bad_block.status_code == 422 and bad_block.json()["field"] == "deadlines.so"
    bad_time = api.post("/api/v1/rounds", "admin", json={
        "pack": "gialai@2019", "period": "2019", "deadlines": {"district": "mai"}})  # fmt: skip
    assert bad_time.status_code == 422 and bad_time.json()["field"] == "deadlines.district"
    no_pack = api.post("/api/v1/rounds", "admin", json={"pack": "quangnam", "period": "2019"})
    assert no_pack.status_code == 422 and no_pack.json()["field"] == "pack"
    missing = api.post("/api/v1/rounds", "admin", json={"pack": "gialai"})
    assert missing.status_code == 422 and missing.json()["field"] == "period"
    assert (
        api.post(
            "/api/v1/rounds", "thamdinh", json={"pack": "gialai", "period": "2019"}
        ).status_code
        == 403
    )
    from_pack = api.post("/api/v1/rounds", "admin", json={"pack": "gialai", "period": "2019"})
    assert from_pack.status_code == 201
    round_ = from_pack.json()
    assert round_["pack"] == "gialai@2019" and round_["deadlines_from_pack"]
    # the pack's "before 18/10/2019" is 00:00 that day, Vietnam time
    assert round_["deadlines"]["department"] == "2019-10-17T17:00:00+00:00"


def test_draft_save_read_and_total_from_the_engine(api, gialai):
    body = _dept()
    saved = _put(api, "so-tai-chinh", gialai, "so-tai-chinh", body)
    assert saved.status_code == 200, saved.text
    data = saved.json()
    assert data["version"] == 1 and data["state"] == "draft" and saved.headers["etag"] == '"1"'
    assert data["missing"] == [] and data["total"] is not None
    # the same figure the library gives for the same record
    import criteria_engine as ce

    pack = ce.load_pack("gialai@2019")
    result = ce.evaluate(pack, {**body, "period": "2019"})
    assert data["total"] == format(result.total, "f")
    assert data["level"] == result.level
    got = api.get(f"{_path(gialai, 'so-tai-chinh')}/submission", "so-tai-chinh")
    assert got.status_code == 200 and got.json()["inputs"] == saved.json()["inputs"]


def test_a_partial_draft_is_kept_and_lists_what_is_missing(api, gialai):
    body = _dept()
    del body["inputs"]["staff_total"]
    saved = _put(api, "so-tai-chinh", gialai, "so-tai-chinh", body)
    assert saved.status_code == 200
    assert saved.json()["missing"] == ["staff_total"] and saved.json()["total"] is None
    submit = api.post(f"{_path(gialai, 'so-tai-chinh')}/submit", "so-tai-chinh")
    assert submit.status_code == 422 and submit.json()["field"] == "inputs.staff_total"


def test_stale_save_is_409_and_loses_nothing(api, gialai):
    body = _dept()
    first = _put(api, "so-tai-chinh", gialai, "so-tai-chinh", body).json()
    body["inputs"]["staff_total"] = 101
    second = _put(api, "so-tai-chinh", gialai, "so-tai-chinh", {**body, "version": 1})
    assert second.status_code == 200 and second.json()["version"] == 2
    body["inputs"]["staff_total"] = 999
    stale = _put(api, "so-tai-chinh", gialai, "so-tai-chinh", body, **{"If-Match": '"1"'})
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    assert stale.json()["version"] == 2
    stale_field = _put(api, "so-tai-chinh", gialai, "so-tai-chinh", {**body, "version": 1})
    assert stale_field.status_code == 409
    now = api.get(f"{_path(gialai, 'so-tai-chinh')}/submission", "so-tai-chinh").json()
    assert now["inputs"]["staff_total"] == 101 and now["version"] == 2
    # a save naming no version replaces the draft
    blind = _put(api, "so-tai-chinh", gialai, "so-tai-chinh", body)
    assert blind.status_code == 200 and blind.json()["inputs"]["staff_total"] == 999
    assert first["version"] == 1


def test_bad_values_are_422_naming_the_field_and_change_nothing(api, gialai):
    body = _dept()
    _put(api, "so-tai-chinh", gialai, "so-tai-chinh", body)
    bad = dict(body, inputs={**body["inputs"], "docs_out_total": -5})
    response = _put(api, "so-tai-chinh", gialai, "so-tai-chinh", bad)
    assert response.status_code == 422
    error = response.json()
    assert error["field"] == "inputs.docs_out_total"
    assert "below the minimum 0" in error["errors"][0]["text"]
    unknown = _put(api, "so-tai-chinh", gialai, "so-tai-chinh", {**body, "colour": "red"})
    assert unknown.status_code == 422 and unknown.json()["field"] == "colour"
    wrong_block = _put(api, "so-tai-chinh", gialai, "so-tai-chinh", {**body, "block": "commune"})
    assert wrong_block.status_code == 422 and wrong_block.json()["field"] == "block"
    not_json = api.put(f"{_path(gialai, 'so-tai-chinh')}/submission", "so-tai-chinh",
                       content=b"{nope", headers={"content-type": "application/json"})  # fmt: skip
    assert not_json.status_code == 422 and not_json.json()["field"] == "body"
    verified = _put(api, "so-tai-chinh", gialai, "so-tai-chinh", {**body, "verified": {}})
    assert verified.status_code == 422 and verified.json()["field"] == "verified"
    kept = api.get(f"{_path(gialai, 'so-tai-chinh')}/submission", "so-tai-chinh").json()
    assert kept["version"] == 1 and kept["inputs"]["docs_out_total"] == 500


def test_a_body_over_the_limit_is_413(api, gialai):
    huge = _dept()
    huge["head"] = {"name": "x" * (api.settings.max_body + 10)}
    response = _put(api, "so-tai-chinh", gialai, "so-tai-chinh", huge)
    assert response.status_code == 413
    assert api.get(f"{_path(gialai, 'so-tai-chinh')}/submission", "so-tai-chinh").status_code == 404


def test_units_act_only_for_themselves_and_districts_for_their_communes(api, gialai):
    assert _put(api, "so-noi-vu", gialai, "so-tai-chinh", _dept()).status_code == 403
    assert _put(api, "thamdinh", gialai, "so-tai-chinh", _dept()).status_code == 403
    assert _put(api, None, gialai, "so-tai-chinh", _dept()).status_code == 401
    _put(api, "so-tai-chinh", gialai, "so-tai-chinh", _dept())
    assert api.get(f"{_path(gialai, 'so-tai-chinh')}/submission", "so-noi-vu").status_code == 403
    assert api.get(f"{_path(gialai, 'so-tai-chinh')}/submission", "thamdinh").status_code == 200
    # the roster puts xa-ia-ka under huyen-chu-pah; the admin may act for anyone
    commune = next(unit_body(r) for r in records("gialai") if r.get("parent") == "huyen-chu-pah")
    assert _put(api, "huyen-chu-pah", gialai, commune["id"], commune).status_code == 200
    other = next(unit_body(r) for r in records("gialai") if r.get("parent") == "thanh-pho-pleiku")
    assert _put(api, "huyen-chu-pah", gialai, other["id"], other).status_code == 403
    assert _put(api, "admin", gialai, other["id"], other).status_code == 200
    listed = api.get(f"/api/v1/rounds/{gialai}/units", "huyen-chu-pah").json()
    assert {u["id"] for u in listed} >= {"huyen-chu-pah", commune["id"]}
    assert all(u["id"] == "huyen-chu-pah" or u["parent"] == "huyen-chu-pah" for u in listed)


def test_submit_locks_and_admin_reopens_with_a_reason(api, gialai):
    path = _path(gialai, "so-tai-chinh")
    _put(api, "so-tai-chinh", gialai, "so-tai-chinh", _dept())
    submitted = api.post(f"{path}/submit", "so-tai-chinh")
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    again = _put(api, "so-tai-chinh", gialai, "so-tai-chinh", _dept())
    assert again.status_code == 409 and again.json()["code"] == "submitted"
    assert api.post(f"{path}/submit", "so-tai-chinh").status_code == 409
    assert api.post(f"{path}/reopen", "so-tai-chinh", json={"reason": "sửa"}).status_code == 403
    no_reason = api.post(f"{path}/reopen", "admin", json={})
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    reopened = api.post(f"{path}/reopen", "admin", json={"reason": "Đơn vị đề nghị sửa số liệu"})
    assert reopened.status_code == 200 and reopened.json()["state"] == "draft"
    assert _put(api, "so-tai-chinh", gialai, "so-tai-chinh", _dept()).status_code == 200
    actions = [e["action"] for e in api.get(f"/api/v1/rounds/{gialai}/audit", "admin").json()]
    assert actions == ["round-create", "save", "submit", "reopen", "save"]
    reopen = api.get(f"/api/v1/rounds/{gialai}/audit", "admin").json()[3]
    assert reopen["actor"] == "admin" and reopen["detail"]["reason"] == "Đơn vị đề nghị sửa số liệu"
    assert api.get(f"/api/v1/rounds/{gialai}/audit", "thamdinh").status_code == 403


def test_nothing_changes_after_the_deadline_except_by_extension(api):
    body = {"pack": "gialai@2019", "period": "2019", "deadlines": {"department": PAST}}
    rid = api.post("/api/v1/rounds", "admin", json=body).json()["id"]
    api.add_user("so-tai-chinh", "unit", "so-tai-chinh")
    late = _put(api, "so-tai-chinh", rid, "so-tai-chinh", _dept())
    assert late.status_code == 409 and late.json()["code"] == "deadline-passed"
    assert _put(api, "admin", rid, "so-tai-chinh", _dept()).status_code == 200  # paper form
    until = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).isoformat()
    extended = api.post(f"{_path(rid, 'so-tai-chinh')}/reopen", "admin",
                        json={"reason": "Gia hạn do sự cố mạng", "until": until})  # fmt: skip
    assert extended.status_code == 200
    assert _put(api, "so-tai-chinh", rid, "so-tai-chinh", _dept()).status_code == 200


def test_unknown_round_is_404(api):
    assert api.get("/api/v1/rounds/999/units/x/submission", "admin").status_code == 404
    assert api.get("/api/v1/rounds/999/results").status_code == 404

"""The portal's pages over HTTP, in-process: sign-in, the unit's form and score card, the
CSRF and authorization rules, evidence, the district page, verification, admin and the
public results."""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest

from criteria_engine.service.app import create_app
from criteria_engine.service.store import Store

from .conftest import PASSWORD, Api, make_settings
from .portal import GIALAI_FUTURE, Page, csrf_token, example, field_value, fill_rows, form_data

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

import criteria_engine as ce

FORM = "/rounds/{rid}/units/{uid}"


@pytest.fixture
def portal(tmp_path: Path, sqlite_template: Path) -> Iterator[Api]:
    """The app on a fresh SQLite database with a Gia Lai 2019 round and its accounts."""
    import shutil

    target = tmp_path / "portal.sqlite3"
    shutil.copy(sqlite_template, target)
    settings = make_settings(str(target))
    store = Store(settings.db_url)
    with TestClient(create_app(settings, store=store)) as client:
        api = Api(client, store, settings)
        api.add_user("admin", "admin")
        api.add_user("thamdinh", "reviewer")
        for unit in ("so-tai-chinh", "so-noi-vu", "huyen-chu-pah"):
            api.add_user(unit, "unit", unit)
        body = {"pack": "gialai@2019", "period": "2019", "deadlines": GIALAI_FUTURE}
        response = api.post("/api/v1/rounds", "admin", json=body)
        assert response.status_code == 201, response.text
        api.rid = response.json()["id"]
        yield api
    store.dispose()


def sign_in(api: Api, login: str) -> None:
    """Sign the test client's browser in through the login form."""
    api.client.cookies.clear()
    page = api.client.get("/login")
    response = api.client.post(
        "/login",
        data={"login": login, "password": PASSWORD, "csrf_token": csrf_token(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def post_form(api: Api, path: str, data: dict, **kw):
    token = csrf_token(api.client.get(path).text)
    return api.client.post(path, data={**data, "csrf_token": token}, **kw)


def save_department(api: Api, uid: str = "so-tai-chinh", action: str = "save"):
    record = example("gialai", uid, "departments.json")
    path = FORM.format(rid=api.rid, uid=uid)
    return post_form(api, path, {**form_data(record), "_action": action}), record


# ── sign-in ──────────────────────────────────────────────────────────────────────────────


def test_login_form_sets_an_httponly_samesite_session_and_logout_ends_it(portal):
    page = portal.client.get("/login")
    assert page.status_code == 200
    fields = Page(page.text).fields()
    assert fields["login"]["type"] == "text" and fields["password"]["type"] == "password"
    assert {"login", "password"} <= Page(page.text).label_targets()
    wrong = portal.client.post("/login", data={"login": "so-tai-chinh", "password": "sai-roi-1",
                                               "csrf_token": csrf_token(page.text)})  # fmt: skip
    assert wrong.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in wrong.text
    assert 'value="so-tai-chinh"' in wrong.text and "sai-roi-1" not in wrong.text
    response = portal.client.post(
        "/login", data={"login": "so-tai-chinh", "password": PASSWORD,
                        "csrf_token": csrf_token(page.text)}, follow_redirects=False,
    )  # fmt: skip
    cookie = response.headers["set-cookie"]
    assert "ce_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert portal.client.get(FORM.format(rid=portal.rid, uid="so-tai-chinh")).status_code == 200
    home = portal.client.get("/")
    logout = portal.client.post("/logout", data={"csrf_token": csrf_token(home.text)},
                                follow_redirects=False)  # fmt: skip
    assert logout.status_code == 303
    after = portal.client.get(FORM.format(rid=portal.rid, uid="so-tai-chinh"),
                              follow_redirects=False)  # fmt: skip
    assert after.status_code == 303 and after.headers["location"].startswith("/login")


def test_passwords_are_never_logged(portal, caplog):
    caplog.set_level(logging.DEBUG)
    page = portal.client.get("/login")
    portal.client.post("/login", data={"login": "admin", "password": "bi-mat-khong-ghi",
                                       "csrf_token": csrf_token(page.text)})  # fmt: skip
    sign_in(portal, "admin")
    post_form(portal, "/admin/accounts", {"login": "xa-moi", "password": "mat-khau-moi-123",
                                          "role": "reviewer", "unit": ""})  # fmt: skip
    assert "bi-mat-khong-ghi" not in caplog.text and "mat-khau-moi-123" not in caplog.text
    assert PASSWORD not in caplog.text


# ── CSRF and authorization ───────────────────────────────────────────────────────────────


def test_every_post_without_the_csrf_token_is_refused(portal):
    sign_in(portal, "so-tai-chinh")
    path = FORM.format(rid=portal.rid, uid="so-tai-chinh")
    record = example("gialai", "so-tai-chinh", "departments.json")
    for target, data in (
        (path, form_data(record)),
        (path, {**form_data(record), "csrf_token": "forged"}),
        ("/logout", {}),
        ("/login", {"login": "admin", "password": PASSWORD}),
    ):
        response = portal.client.post(target, data=data)
        assert response.status_code == 403, target
        assert "CSRF" in response.text
    # nothing was saved by the refused posts
    assert portal.get(f"/api/v1/rounds/{portal.rid}/units/so-tai-chinh/submission",
                      "admin").status_code == 404  # fmt: skip


def test_a_unit_opening_another_units_form_gets_403(portal):
    sign_in(portal, "so-tai-chinh")
    other = FORM.format(rid=portal.rid, uid="so-noi-vu")
    assert portal.client.get(other).status_code == 403
    token = csrf_token(portal.client.get(FORM.format(rid=portal.rid, uid="so-tai-chinh")).text)
    data = {**form_data(example("gialai", "so-noi-vu", "departments.json")), "csrf_token": token}
    assert portal.client.post(other, data=data).status_code == 403
    assert portal.client.get(f"/rounds/{portal.rid}/districts/huyen-chu-pah").status_code == 403
    assert portal.client.get("/admin").status_code == 403
    assert portal.client.get(f"/tham-dinh/{portal.rid}").status_code == 403


def test_pages_send_a_strict_content_security_policy_and_escape_names(portal):
    sign_in(portal, "admin")
    roster = {"units": [{"id": "xa-thu", "name": "<script>alert(1)</script>",
                         "block": "commune", "parent": "huyen-chu-pah"}]}  # fmt: skip
    added = portal.post(f"/api/v1/rounds/{portal.rid}/units", "admin", json=roster)
    assert added.status_code == 200
    page = portal.client.get(FORM.format(rid=portal.rid, uid="xa-thu"))
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    css = portal.client.get("/static/portal.css")
    assert css.status_code == 200 and ".chip" in css.text  # the report's own styles


# ── the unit's form ──────────────────────────────────────────────────────────────────────


def test_the_form_has_one_labelled_field_per_input_of_the_block(portal):
    sign_in(portal, "so-tai-chinh")
    page = portal.client.get(FORM.format(rid=portal.rid, uid="so-tai-chinh"))
    assert page.status_code == 200
    parsed = Page(page.text)
    fields, labelled = parsed.fields(), parsed.label_targets()
    block = ce.load_pack("gialai", period="2019").block("department")
    for name, spec in block.inputs.items():
        assert name in fields, name
        field = fields[name]
        assert field["id"] in labelled, name
        expected = {"boolean": "select", "choice": "select"}.get(spec.type, "input")
        assert field["_tag"] == expected, name
        if spec.type == "date":
            assert field["type"] == "date"
        if spec.type in ("number", "integer"):
            assert field["type"] == "number"
        assert spec.label in page.text
    leaves = [c.id for c in block.all_criteria() if not c.children]
    for cid in leaves:  # the pack asks for self-scores and reasons below the maximum
        assert f"self.{cid}" in fields and f"reason.{cid}" in fields
    assert "Có</option>" in page.text and "Không</option>" in page.text
    text = parsed.all_text
    assert "Hạn nộp" in text and "Chưa có số liệu" in text and "Đang mở" in text


def test_saving_shows_the_engines_score_card(portal):
    sign_in(portal, "so-tai-chinh")
    response, record = save_department(portal)
    assert response.status_code == 200 and "Đã lưu bản nháp" in response.text
    pack = ce.load_pack("gialai", period="2019")
    expected = ce.evaluate(pack, {**record, "period": "2019"})
    total = re.search(r'id="tong-diem">([^<]+)<', response.text).group(1)
    assert total == format(expected.published_total, "f")
    assert f"{format(expected.published_percent, 'f')} %" in response.text
    assert expected.level in response.text
    # what it takes to reach the next level, from the library's analysis
    plan = ce.next_level(pack, [{**record, "period": "2019"}])
    if plan:
        assert f"Để đạt mức {plan[0].target}" in response.text
    saved = portal.get(f"/api/v1/rounds/{portal.rid}/units/so-tai-chinh/submission", "admin")
    assert saved.json()["state"] == "draft" and saved.json()["version"] == 1


def test_a_bad_value_is_named_in_vietnamese_and_every_typed_value_stays(portal):
    sign_in(portal, "so-tai-chinh")
    save_department(portal)
    record = example("gialai", "so-tai-chinh", "departments.json")
    data = {**form_data(record), "_version": "1", "staff_total": "-5", "pcs_total": "mười",
            "bandwidth_mbps": "123", "reason.1.2": "Lý do mới"}  # fmt: skip
    response = post_form(portal, FORM.format(rid=portal.rid, uid="so-tai-chinh"), data)
    assert response.status_code == 422
    assert "-5 nhỏ hơn giá trị tối thiểu 1" in response.text
    assert "Phải là một số" in response.text
    assert field_value(response.text, "staff_total") == "-5"
    assert field_value(response.text, "pcs_total") == "mười"
    assert field_value(response.text, "bandwidth_mbps") == "123"
    assert "Lý do mới" in response.text
    errors = re.findall(r'<p class="field-error" id="f-(\w+)-err">', response.text)
    assert {"staff_total", "pcs_total"} <= set(errors)
    saved = portal.get(f"/api/v1/rounds/{portal.rid}/units/so-tai-chinh/submission", "admin")
    assert saved.json()["version"] == 1  # nothing of the refused save was kept


def test_submit_locks_the_form_and_a_stale_save_loses_nothing(portal):
    sign_in(portal, "so-tai-chinh")
    save_department(portal)
    data = {**form_data(example("gialai", "so-tai-chinh", "departments.json")), "_version": "0",
            "staff_total": "99"}  # fmt: skip
    stale = post_form(portal, FORM.format(rid=portal.rid, uid="so-tai-chinh"), data)
    assert stale.status_code == 409 and field_value(stale.text, "staff_total") == "99"
    response, _ = save_department(portal, action="submit")
    assert response.status_code == 200 and "Đã nộp" in response.text
    page = portal.client.get(FORM.format(rid=portal.rid, uid="so-tai-chinh"))
    assert "chỉ quản trị viên mới mở lại được" in page.text
    again, _ = save_department(portal)
    assert again.status_code == 409


def test_evidence_is_checked_on_its_bytes_and_downloaded_by_who_may_read(portal):
    sign_in(portal, "so-tai-chinh")
    save_department(portal)
    path = FORM.format(rid=portal.rid, uid="so-tai-chinh")
    token = csrf_token(portal.client.get(path).text)
    good = portal.client.post(
        f"{path}/evidence", data={"criterion": "1.1", "csrf_token": token},
        files={"file": ("bien-ban.pdf", b"%PDF-1.4 test", "application/pdf")},
    )  # fmt: skip
    assert good.status_code == 200 and "bien-ban.pdf" in good.text
    fake = portal.client.post(
        f"{path}/evidence", data={"criterion": "1.1", "csrf_token": token},
        files={"file": ("gia.pdf", b"<html>not a pdf</html>", "application/pdf")},
    )  # fmt: skip
    assert fake.status_code == 422 and "Chỉ nhận PDF" in fake.text
    link = re.search(rf'href="({re.escape(path)}/evidence/\d+)"', good.text).group(1)
    assert portal.client.get(link).content == b"%PDF-1.4 test"
    sign_in(portal, "so-noi-vu")
    assert portal.client.get(link).status_code == 403


# ── district, verification, admin, public ────────────────────────────────────────────────


def test_a_district_uploads_its_communes_excel_form_and_submits_them(portal):
    sign_in(portal, "huyen-chu-pah")
    page = portal.client.get(f"/rounds/{portal.rid}/districts/huyen-chu-pah")
    assert page.status_code == 200 and "Xã Nghĩa Hưng" in page.text
    blank = portal.client.get(f"/rounds/{portal.rid}/districts/huyen-chu-pah/phieu-commune.xlsx",
                              params={"nhieu": "1"})  # fmt: skip
    assert blank.status_code == 200 and blank.content[:2] == b"PK"
    communes = [example("gialai", uid, "huyen-chu-pah.json")
                for uid in ("xa-nghia-hung", "xa-ia-nhin")]  # fmt: skip
    pack = ce.load_pack("gialai", period="2019")
    filled = fill_rows(blank.content, communes, pack.block("commune"))
    token = csrf_token(page.text)
    response = portal.client.post(
        f"/rounds/{portal.rid}/districts/huyen-chu-pah/excel", data={"csrf_token": token},
        files={"file": ("phieu.xlsx", filled, "application/octet-stream")},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    for record in communes:
        expected = ce.evaluate(pack, {**record, "period": "2019"}).published_total
        assert f"<b>{record['name']}</b>: đã lưu bản nháp, tổng điểm {expected}" in response.text
    submitted = portal.client.post(
        f"/rounds/{portal.rid}/districts/huyen-chu-pah/submit",
        data={"csrf_token": token, "unit": ["xa-nghia-hung", "xa-ia-nhin"]},
    )  # fmt: skip
    assert submitted.status_code == 200 and "Đã nộp các xã đã chọn" in submitted.text
    units = portal.get(f"/api/v1/rounds/{portal.rid}/units", "admin").json()
    states = {u["id"]: u["state"] for u in units}
    assert states["xa-nghia-hung"] == states["xa-ia-nhin"] == "submitted"


def test_verification_lists_differences_and_publication_makes_results_public(portal):
    sign_in(portal, "so-tai-chinh")
    save_department(portal, action="submit")
    sign_in(portal, "thamdinh")
    queue = portal.client.get(f"/tham-dinh/{portal.rid}")
    assert queue.status_code == 200 and "Chờ thẩm định" in queue.text
    path = f"/tham-dinh/{portal.rid}/units/so-tai-chinh"
    no_reason = post_form(portal, path, {"v.staff_with_pc": "50"})
    assert no_reason.status_code == 422 and "Phải nêu lý do" in no_reason.text
    assert field_value(no_reason.text, "v.staff_with_pc") == "50"
    saved = post_form(portal, path, {"v.staff_with_pc": "50", "why.staff_with_pc": "Biên bản"})
    assert saved.status_code == 200 and "Đã lưu kết quả thẩm định" in saved.text
    review = portal.get(f"/api/v1/rounds/{portal.rid}/units/so-tai-chinh/review", "admin").json()
    assert re.search(r'id="tong-tham-dinh">([^<]+)<', saved.text).group(1) == (
        review["published_total"]
    )
    diff = re.search(r'id="tong-chenh-lech"><b>([^<]+)<', saved.text).group(1)
    assert diff.startswith("-")
    # the public cannot see results before publication
    portal.client.cookies.clear()
    assert portal.client.get(f"/ket-qua/{portal.rid}").status_code == 403
    sign_in(portal, "admin")
    response = portal.client.post(
        f"/admin/rounds/{portal.rid}/publish",
        data={"csrf_token": csrf_token(portal.client.get(f"/admin/rounds/{portal.rid}").text)},
    )
    assert response.status_code == 200 and "Đã công bố kết quả" in response.text
    portal.client.cookies.clear()
    public = portal.client.get(f"/ket-qua/{portal.rid}", params={"khoi": "department"})
    assert public.status_code == 200
    text = Page(public.text).all_text
    assert "169/QĐ-UBND" in text and "tái dựng" in text and "Sở Tài chính" in text
    results = portal.get(f"/api/v1/rounds/{portal.rid}/results").json()
    unit = next(u for u in results["blocks"]["department"] if u["unit_id"] == "so-tai-chinh")
    assert unit["published_total"] in public.text
    card = portal.client.get(f"/ket-qua/{portal.rid}/units/so-tai-chinh")
    assert card.status_code == 200 and unit["published_total"] in card.text
    assert "169/QĐ-UBND" in card.text
    xlsx = portal.client.get(f"/ket-qua/{portal.rid}/ket-qua.xlsx")
    assert zipfile.is_zipfile(BytesIO(xlsx.content))
    html = portal.client.get(f"/ket-qua/{portal.rid}/bao-cao.html")
    assert html.text.startswith("<!DOCTYPE html>") and "Sở Tài chính" in html.text


def test_public_search_finds_names_without_tone_marks_in_vietnamese_order(portal):
    records = [example("gialai", uid, "departments.json")
               for uid in ("so-tai-chinh", "so-noi-vu", "so-tu-phap")]  # fmt: skip
    for record in records:
        uid = record["id"]
        base = f"/api/v1/rounds/{portal.rid}/units/{uid}"
        assert portal.put(f"{base}/submission", "admin", json=_plain(record)).status_code == 200
        assert portal.post(f"{base}/submit", "admin").status_code == 200
    assert portal.post(f"/api/v1/rounds/{portal.rid}/publish", "admin").status_code == 200
    portal.client.cookies.clear()

    def found(query: str) -> list[str]:
        page = portal.client.get(f"/ket-qua/{portal.rid}", params={"q": query})
        return re.findall(r'<td class="unit"><a href="/ket-qua/\d+/units/[^"]+">([^<]+)</a>',
                          page.text)  # fmt: skip

    every = found("Sở")  # the roster's units too, listed as not submitted
    assert {r["name"] for r in records} <= set(every) and len(every) > len(records)
    assert every == sorted(every, key=ce.sort_key) and every != sorted(every)
    assert found("tai chinh") == ["Sở Tài chính"]
    assert found("TƯ PHÁP") == ["Sở Tư pháp"]


def test_admin_creates_rounds_and_accounts_and_reopens_with_a_reason(portal):
    sign_in(portal, "admin")
    token = csrf_token(portal.client.get("/admin").text)
    response = portal.client.post("/admin/rounds", data={
        "csrf_token": token, "pack": "hungyen@2018", "period": "2019", "title": "Đợt thử",
        "deadline_from": "given", "deadline": "2099-10-18T17:00"})  # fmt: skip
    assert response.status_code == 200 and "Đợt thử" in response.text
    assert "17:00 18/10/2099" in response.text
    bad = portal.client.post("/admin/rounds", data={"csrf_token": token, "pack": "khong-co",
                                                    "period": "2019"})  # fmt: skip
    assert bad.status_code == 422 and "Chưa tạo được đợt đánh giá" in bad.text
    account = portal.client.post("/admin/accounts", data={
        "csrf_token": token, "login": "xa-a", "password": "mat-khau-xa-a", "role": "unit",
        "unit": "xa-a"})  # fmt: skip
    assert account.status_code == 200 and "xa-a" in account.text
    short = portal.client.post("/admin/accounts", data={
        "csrf_token": token, "login": "xa-b", "password": "ngan", "role": "unit", "unit": "xa-b"})
    assert short.status_code == 422 and "ít nhất 8 ký tự" in short.text
    assert 'value="ngan"' not in short.text
    record = _plain(example("gialai", "so-noi-vu", "departments.json"))
    base = f"/api/v1/rounds/{portal.rid}/units/so-noi-vu"
    portal.put(f"{base}/submission", "admin", json=record)
    portal.post(f"{base}/submit", "admin")
    path = f"/admin/rounds/{portal.rid}/units/so-noi-vu/reopen"
    assert portal.client.post(path, data={"csrf_token": token, "reason": ""}).status_code == 422
    reopened = portal.client.post(path, data={"csrf_token": token, "reason": "Sai số liệu"})
    assert reopened.status_code == 200 and "Đã mở lại" in reopened.text
    audit = portal.get(f"/api/v1/rounds/{portal.rid}/audit", "admin").json()
    assert any(e["action"] == "reopen" and e["detail"]["reason"] == "Sai số liệu" for e in audit)


def _plain(record: dict) -> dict:
    import json

    from .examples import as_json

    return json.loads(as_json(record))

"""The portal in a real browser: Debian's Chromium driven by Playwright, against a real
``criteria-engine serve`` on loopback. Every request the pages make is routed through a
check that fails on any host but 127.0.0.1, and the console must stay free of errors."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from .examples import as_json
from .portal import GIALAI_FUTURE, example, fill_rows

playwright = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
)
CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("no Debian chromium at /usr/bin/chromium (apt-get install chromium)",
                allow_module_level=True)  # fmt: skip
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
PASSWORD = "mat-khau-trinh-duyet"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A real server with a Gia Lai 2019 round and its accounts."""
    import httpx

    from criteria_engine.service.accounts import add_user
    from criteria_engine.service.settings import Settings
    from criteria_engine.service.store import Store

    from .server import Server

    folder = tmp_path_factory.mktemp("browser")
    db = str(folder / "portal.sqlite3")
    store = Store(db)
    store.upgrade()
    with store.write() as session:
        for login, role, unit in (("admin", "admin", None), ("thamdinh", "reviewer", None),
                                  ("so-tai-chinh", "unit", "so-tai-chinh"),
                                  ("huyen-chu-pah", "unit", "huyen-chu-pah")):  # fmt: skip
            add_user(session, Settings(argon2_fast=True), login=login, password=PASSWORD,
                     role=role, unit=unit, actor="test")  # fmt: skip
    store.dispose()
    server = Server(db, log=folder / "server.log").start()
    token = httpx.post(f"{server.base}/api/v1/login",
                       json={"login": "admin", "password": PASSWORD}).json()["token"]  # fmt: skip
    body = {"pack": "gialai@2019", "period": "2019", "deadlines": GIALAI_FUTURE}
    rid = httpx.post(f"{server.base}/api/v1/rounds", json=body,
                     headers={"Authorization": f"Bearer {token}"}).json()["id"]  # fmt: skip
    yield {"base": server.base, "rid": rid, "folder": folder}
    server.stop()


@pytest.fixture(scope="module")
def browser(site: dict) -> Iterator[object]:
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


class Watch:
    """A fresh context whose every request is checked and whose console is recorded."""

    def __init__(self, browser: object, width: int = 1280) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.outside: list[str] = []
        self.console: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.console.append(f"pageerror: {exc}"))

    def _route(self, route: object, request: object) -> None:
        host = urlparse(request.url).hostname
        if host != "127.0.0.1":
            self.outside.append(request.url)
            route.abort()
        else:
            route.continue_()

    def _console(self, message: object) -> None:
        if message.type in ("error", "warning"):
            # the 403/409/422 answers the tests provoke are logged as failed loads
            if "Failed to load resource" in message.text:
                return
            self.console.append(message.text)

    def sign_in(self, base: str, login: str) -> None:
        self.page.goto(f"{base}/login")
        self.page.fill("#login", login)
        self.page.fill("#password", PASSWORD)
        self.page.click("form.narrow button[type=submit]")
        self.page.wait_for_url(f"{base}/")

    def close(self) -> None:
        self.context.close()
        assert self.outside == [], f"requests left the server: {self.outside}"
        assert self.console == [], f"console errors: {self.console}"


def cli_total(pack: str, record: dict, folder: Path) -> str:
    """The published total ``criteria-engine evaluate --format json`` prints for a record."""
    path = folder / f"{record['id']}.json"
    path.write_text(as_json({"period": "2019", "units": [record]}), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "criteria_engine", "evaluate", pack, str(path),
         "--format", "json"], capture_output=True, text=True, check=True,
    )  # fmt: skip
    data = json.loads(out.stdout)
    return next(u["published_total"] for units in data["blocks"].values() for u in units
                if u["unit_id"] == record["id"])  # fmt: skip


def fill(page: object, record: dict) -> None:
    for name, value in record["inputs"].items():
        selector = f'[name="{name}"]'
        if isinstance(value, bool):
            page.select_option(selector, "true" if value else "false")
        elif page.eval_on_selector(selector, "e => e.tagName") == "SELECT":
            page.select_option(selector, str(value))
        else:
            page.fill(selector, str(value))
    for cid, value in (record.get("self_scores") or {}).items():
        page.fill(f'[name="self.{cid}"]', str(value))
    for cid, text in (record.get("reasons") or {}).items():
        page.fill(f'[name="reason.{cid}"]', text)


def test_a_unit_signs_in_fills_saves_and_sees_the_clis_total(site, browser):
    base, rid = site["base"], site["rid"]
    watch = Watch(browser)
    page = watch.page
    page.goto(f"{base}/login")
    page.fill("#login", "so-tai-chinh")
    page.fill("#password", "khong-dung-mat-khau")
    page.click("form.narrow button[type=submit]")
    assert "Sai tên đăng nhập hoặc mật khẩu" in page.inner_text("#login-error")
    watch.sign_in(base, "so-tai-chinh")
    page.click("text=Phiếu khảo sát của đơn vị")
    assert "Chưa có số liệu" in page.inner_text("#trang-thai")
    assert page.inner_text("#han-nop").startswith("17:00 31/12/2099")
    record = example("gialai", "so-tai-chinh", "departments.json")
    fill(page, record)
    page.click("button[value=save]")
    page.wait_for_selector("#tong-diem")
    assert page.inner_text("#tong-diem") == cli_total("gialai", record, site["folder"])
    assert "Bản nháp" in page.inner_text("#trang-thai")
    # a bad value: named next to its field, and everything typed stays
    page.fill('[name="staff_total"]', "-5")
    page.fill('[name="pcs_total"]', "118")
    page.fill('[name="reason.1.2"]', "Giải trình đã sửa")
    page.click("button[value=save]")
    assert "nhỏ hơn giá trị tối thiểu" in page.inner_text("#f-staff_total-err")
    assert page.input_value('[name="staff_total"]') == "-5"
    assert page.input_value('[name="pcs_total"]') == "118"
    assert page.input_value('[name="reason.1.2"]') == "Giải trình đã sửa"
    assert page.get_attribute('[name="staff_total"]', "aria-invalid") == "true"
    # another unit's form by URL
    response = page.goto(f"{base}/rounds/{rid}/units/so-noi-vu")
    assert response.status == 403 and "Không có quyền" in page.inner_text("h1")
    # a form posted without its CSRF token
    page.goto(f"{base}/rounds/{rid}/units/so-tai-chinh")
    page.eval_on_selector("form.survey input[name=csrf_token]", "e => e.remove()")
    with page.expect_navigation():
        page.click("button[value=save]")
    assert "CSRF" in page.inner_text("main")
    # submit (the page asks first)
    page.goto(f"{base}/rounds/{rid}/units/so-tai-chinh")
    fill(page, record)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[value=submit]")
    page.wait_for_selector("text=Đã nộp bản đánh giá.")
    assert "Đã nộp" in page.inner_text("#trang-thai")
    watch.close()


def test_a_district_uploads_its_communes_on_a_phone(site, browser):
    import criteria_engine as ce

    base, rid = site["base"], site["rid"]
    watch = Watch(browser, width=360)
    page = watch.page
    watch.sign_in(base, "huyen-chu-pah")
    page.click("text=Các xã, phường, thị trấn của huyện")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    blank = page.request.get(f"{base}/rounds/{rid}/districts/huyen-chu-pah/phieu-commune.xlsx"
                             "?nhieu=1").body()  # fmt: skip
    communes = [example("gialai", uid, "huyen-chu-pah.json")
                for uid in ("xa-nghia-hung", "xa-ia-nhin")]  # fmt: skip
    pack = ce.load_pack("gialai", period="2019")
    path = site["folder"] / "phieu-xa.xlsx"
    path.write_bytes(fill_rows(blank, communes, pack.block("commune")))
    page.set_input_files("#tep-excel", str(path))
    page.click("text=Tải lên và lưu")
    report = page.inner_text("#ket-qua-tai-len")
    for record in communes:
        total = cli_total("gialai", record, site["folder"])
        assert f"{record['name']}: đã lưu bản nháp, tổng điểm {total}" in report
    page.check("#chon-xa-nghia-hung")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Nộp các xã đã chọn")
    page.wait_for_selector("text=Đã nộp các xã đã chọn.")
    row = page.inner_text("#cac-xa tbody tr:has-text('Xã Nghĩa Hưng')")
    assert "Đã nộp" in row
    watch.close()


def test_verification_publication_and_the_public_page(site, browser):
    base, rid = site["base"], site["rid"]
    watch = Watch(browser)
    page = watch.page
    watch.sign_in(base, "thamdinh")
    page.goto(f"{base}/tham-dinh/{rid}")
    page.click("#hang-doi >> text=Sở Tài chính")
    page.fill('[name="v.staff_with_pc"]', "40")
    page.fill('[name="why.staff_with_pc"]', "Đối chiếu biên bản kiểm kê")
    page.click("text=Lưu kết quả thẩm định")
    page.wait_for_selector("text=Đã lưu kết quả thẩm định.")
    assert page.inner_text("#tong-chenh-lech").startswith("-")
    verified = page.inner_text("#tong-tham-dinh")
    watch.context.clear_cookies()
    watch.sign_in(base, "admin")
    page.goto(f"{base}/admin/rounds/{rid}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Công bố kết quả")
    page.wait_for_selector("text=Đã công bố kết quả.")
    watch.context.clear_cookies()
    page.goto(f"{base}/ket-qua/{rid}?khoi=department")
    assert "169/QĐ-UBND" in page.inner_text("footer")
    assert "tái dựng" in page.inner_text("aside.caveats")
    assert page.locator("table.data .chip").count() >= 1
    assert page.locator("figure.chart svg").count() == 2
    assert verified in page.inner_text("table.data")
    page.fill("#q", "tai chinh")
    page.click("form[role=search] button")
    page.click("#tim-title + table >> text=Sở Tài chính")
    assert page.inner_text("#tong-diem") == verified
    watch.close()


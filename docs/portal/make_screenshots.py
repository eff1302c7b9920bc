"""Screenshots of every portal page at 1280 px and 360 px wide, for docs/portal.md.

Starts ``criteria-engine serve --demo`` on a temporary database and a free loopback port,
drives Debian's Chromium with Playwright (no browser download) through each role, and
writes ``docs/portal/<page>-<width>.png``. Run: ``python docs/portal/make_screenshots.py``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

HERE = Path(__file__).parent
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
PASSWORD = "demo-2019-hungyen"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    folder = tempfile.mkdtemp()
    server = subprocess.Popen(
        [sys.executable, "-m", "criteria_engine", "serve", "--demo", "--db",
         f"{folder}/demo.sqlite3", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            sizes = ((1280, 900), (360, 780))
            for width, height in sizes:
                shoot(browser, base, width, height)
            token = httpx.post(f"{base}/api/v1/login",
                               json={"login": "admin", "password": PASSWORD}).json()["token"]
            httpx.post(f"{base}/api/v1/rounds/1/publish", timeout=60,
                       headers={"Authorization": f"Bearer {token}"}).raise_for_status()
            for width, height in sizes:
                shoot_public(browser, base, width, height)
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)


def shoot(browser, base: str, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()

    def snap(name: str) -> None:
        page.screenshot(path=str(HERE / f"{name}-{width}.png"))

    def sign_in(login: str) -> None:
        context.clear_cookies()
        page.goto(f"{base}/login")
        page.fill("#login", login)
        page.fill("#password", PASSWORD)
        page.click("form.narrow button[type=submit]")
        page.wait_for_url(f"{base}/")

    page.goto(f"{base}/login")
    snap("login")
    sign_in("xa-minh-hai")
    page.goto(f"{base}/rounds/1/units/xa-minh-hai")
    page.click("button[value=save]")
    page.wait_for_selector("#tong-diem")
    snap("unit-form-score-card")
    page.fill('[name="staff_total"]', "-5")
    page.click("button[value=save]")
    page.locator("#f-staff_total").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -120)")
    snap("unit-form-bad-value")
    sign_in("huyen-van-lam")
    page.goto(f"{base}/rounds/1/districts/huyen-van-lam")
    snap("district")
    sign_in("thamdinh")
    page.goto(f"{base}/tham-dinh/1")
    snap("review-queue")
    page.goto(f"{base}/tham-dinh/1/units/so-tai-chinh")
    page.fill('[name="v.staff_with_pc"]', "40")
    page.fill('[name="why.staff_with_pc"]', "Đối chiếu biên bản kiểm kê tài sản")
    page.click("text=Lưu kết quả thẩm định")
    page.wait_for_selector("#tong-chenh-lech")
    snap("review-unit")
    sign_in("admin")
    page.goto(f"{base}/admin")
    snap("admin-rounds")
    page.goto(f"{base}/admin/rounds/1")
    snap("admin-round")
    page.goto(f"{base}/admin/accounts")
    snap("admin-accounts")
    context.close()


def shoot_public(browser, base: str, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()

    def snap(name: str) -> None:
        page.screenshot(path=str(HERE / f"{name}-{width}.png"))

    page.goto(f"{base}/ket-qua/1?khoi=commune")
    snap("public-results")
    page.locator("figure.chart").first.scroll_into_view_if_needed()
    snap("public-charts")
    page.goto(f"{base}/ket-qua/1?q=minh")
    page.locator("#tim-title").scroll_into_view_if_needed()
    snap("public-search")
    page.goto(f"{base}/ket-qua/1/units/so-tai-chinh")
    snap("public-unit")
    context.close()


if __name__ == "__main__":
    main()

"""The HTML report: complete, escaped, self-contained, the same bytes every time, and
rendered by a real browser with nothing blocked and nothing fetched."""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("jinja2")

from criteria_engine.evaluation.batch import run_batch
from criteria_engine.inputs.records import Record, read_records
from criteria_engine.loading.finder import load_pack
from criteria_engine.reports.base import ReportContext
from criteria_engine.reports.formats.html import full_report, tables_html
from criteria_engine.reports.history import load_previous, outcome_json
from criteria_engine.reports.standard import ranking_tables

from .helpers import MINIPACK, ROOT, run_cli

EXAMPLES = {
    "hungyen": ROOT / "packs" / "hungyen" / "examples" / "2019",
    "backan": ROOT / "packs" / "backan" / "examples" / "2019",
}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


class Page(HTMLParser):
    """What the tests look at: every start tag with its attributes, and the visible text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    @property
    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())


def example_files(pack: str) -> list[Path]:
    folder = EXAMPLES[pack]
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not files:
        pytest.skip(f"no examples in {folder.relative_to(ROOT)}")
    return files


def context(pack, files=(), units=None, previous=None) -> ReportContext:
    collected: list = []
    outcome = run_batch(pack, files, units=units, on_result=collected.append)
    return ReportContext(pack, outcome, collected, previous)


@pytest.fixture(scope="module")
def minipack():
    return load_pack(str(MINIPACK))


@pytest.fixture(scope="module", params=sorted(EXAMPLES))
def example_report(request) -> tuple[str, list[Path], str]:
    files = example_files(request.param)
    pack = load_pack(str(ROOT / "packs" / request.param))
    return request.param, files, full_report(context(pack, files))


def test_report_holds_every_unit_and_fetches_nothing(example_report):
    _, files, html = example_report
    page = Page(html)
    names = {r.data["name"] for r in read_records(files) if isinstance(r, Record)}
    assert names
    text = page.all_text
    missing = [n for n in names if " ".join(n.split()) not in text]
    assert not missing
    assert ("meta", {"http-equiv": "Content-Security-Policy", "content": CSP}) in page.tags
    for tag, attrs in page.tags:
        assert tag not in ("script", "link", "iframe", "object", "embed", "img", "base"), tag
        assert not any(k in ("src", "srcset") for k in attrs), (tag, attrs)
        assert all(not (v or "").startswith(("http", "//")) for v in attrs.values()), attrs
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html.lower()


def test_report_has_one_section_and_two_charts_per_block(example_report):
    name, files, html = example_report
    pack = load_pack(str(ROOT / "packs" / name))
    page = Page(html)
    sections = [
        a["id"] for t, a in page.tags if t == "section" and a.get("id", "").startswith("block-")
    ]
    ctx = context(pack, files)
    assert sections == [f"block-{t.block}" for t in ranking_tables(ctx)]
    assert sum(1 for t, _ in page.tags if t == "svg") == 2 * len(sections)
    bars = sum(1 for t, a in page.tags if t == "rect" and a.get("class") == "bar")
    groups = sum(
        1
        for b in pack.blocks
        if b.id in ctx.outcome.tables
        for g in b.criteria
        if g.counts_in_max and g.max
    )
    units = sum(
        1
        for rows in ctx.outcome.tables.values()
        for s in rows
        if s.published_percent is not None and s.status != "excluded"
    )
    assert bars == groups + units


def test_report_is_the_same_bytes_every_time(minipack):
    files = sorted((MINIPACK / "examples").glob("*.json"))
    first = full_report(context(minipack, files))
    assert full_report(context(minipack, files)) == first


def test_unit_names_cannot_inject_markup(minipack):
    evil = "<script>alert('x')</script> & \"Xã\""
    unit = {
        "id": "xa-x",
        "name": evil,
        "block": "commune",
        "period": "2020",
        "submitted": "2020-10-01",
        "inputs": {
            "docs_total": 10,
            "docs_electronic": 5,
            "has_portal": True,
            "bandwidth": 10,
            "has_server_room": False,
            "services_total": 2,
            "services_online": 1,
            "head_role": "Khác",
        },
        "reasons": {"1.1": "<b>lý do</b>"},
        "self_scores": {"1.1": 1},
    }
    html = full_report(context(minipack, units=[unit]))
    assert "<script" not in html and "<b>lý do" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;Xã&#34;" in html
    assert evil in Page(html).all_text and "<b>lý do</b>" in Page(html).all_text


def test_rank_changes_appear_with_a_previous_period(minipack, tmp_path):
    files = sorted((MINIPACK / "examples").glob("*.json"))
    ctx = context(minipack, files)
    assert "Thay đổi thứ hạng" not in full_report(ctx)
    previous = outcome_json(ctx.outcome, "2019")
    previous["blocks"]["commune"][0]["rank"] = 2  # last year's first was second
    previous["blocks"]["commune"][1]["rank"] = 1
    saved = tmp_path / "2019.json"
    saved.write_text(json.dumps(previous, ensure_ascii=False), encoding="utf-8")
    html = full_report(context(minipack, files, previous=load_previous(saved)))
    assert "Thay đổi thứ hạng so với kỳ trước" in html
    assert '<tr class="flag">' in html and "xuống hạng" in html


def test_score_cards_show_reasons_and_findings(minipack):
    unit = {
        "id": "xa-x",
        "name": "Xã Thử",
        "block": "commune",
        "inputs": {
            "docs_total": 10,
            "docs_electronic": 5,
            "has_portal": True,
            "bandwidth": 10,
            "has_server_room": False,
            "services_total": 2,
            "services_online": 1,
            "head_role": "Khác",
        },
        "self_scores": {"1.1": 4, "1.4": 2},
        "reasons": {"1.1": "Một số văn bản mật"},
    }
    text = Page(full_report(context(minipack, units=[unit]))).all_text
    assert "Một số văn bản mật" in text
    assert "1.4: self-assessed 2 of 5 with no reason given" in text


def test_tables_page_is_self_contained(minipack):
    files = sorted((MINIPACK / "examples").glob("*.json"))
    ctx = context(minipack, files)
    html = tables_html(ranking_tables(ctx), minipack, "Bảng xếp hạng")
    page = Page(html)
    assert ("meta", {"http-equiv": "Content-Security-Policy", "content": CSP}) in page.tags
    assert "Bảng xếp hạng" in page.all_text and "Xã An" in page.all_text
    assert "http://" not in html and "https://" not in html and "<script" not in html


def test_cli_writes_the_report(tmp_path):
    out = tmp_path / "report.html"
    proc = run_cli(
        "report", str(MINIPACK), "html", str(MINIPACK / "examples"), "-o", str(out), "-q"
    )
    assert proc.returncode == 0, proc.stderr
    assert "Xã Bình" in out.read_text(encoding="utf-8")
    proc = run_cli(
        "report", str(MINIPACK), "ranking", str(MINIPACK / "examples"), "--format", "html", "-q"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("<!DOCTYPE html>") and "Xã Bình" in proc.stdout


# ── a real browser ───────────────────────────────────────────────────────────────────────


def chromium(url: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    """Headless Chromium with every background fetch off, logging the console to stderr."""
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            f"--user-data-dir={tmp_path / 'profile'}",
            *extra,
            url,
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def complaints(stderr: str, url: str) -> list[str]:
    """Console messages from the page, blocked loads and network errors."""
    bad = ("Uncaught", "Refused to", "violates", "net::ERR")
    return [
        line
        for line in stderr.splitlines()
        if any(b in line for b in bad) or (":CONSOLE" in line and url in line)
    ]


needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium; .ci/run does)"
)


@pytest.mark.slow
@needs_chromium
def test_browser_notices_a_page_that_breaks_the_rules(tmp_path):
    """The check below would see a slip: a page that tries to fetch is reported."""
    page = tmp_path / "bad.html"
    page.write_text(
        f'<!DOCTYPE html><meta http-equiv="Content-Security-Policy" '
        f'content="{CSP}"><p>x</p><img src="https://example.invalid/a.png">',
        encoding="utf-8",
    )
    proc = chromium(page.as_uri(), tmp_path, "--dump-dom")
    assert complaints(proc.stderr, page.as_uri())


@pytest.mark.slow
@needs_chromium
def test_report_renders_in_a_browser_with_nothing_blocked(tmp_path):
    name = "hungyen" if any(EXAMPLES["hungyen"].glob("*.json")) else "backan"
    files = example_files(name)
    pack = load_pack(str(ROOT / "packs" / name))
    page = tmp_path / "report.html"
    page.write_text(full_report(context(pack, files)), encoding="utf-8")
    url = page.as_uri()
    dom = chromium(url, tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    names = {r.data["name"] for r in read_records(files) if isinstance(r, Record)}
    text = Page(dom.stdout).all_text
    assert [n for n in names if " ".join(n.split()) not in text] == []
    assert not complaints(dom.stderr, url)
    shot = tmp_path / "shot.png"
    proc = chromium(
        url, tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", "--hide-scrollbars"
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    assert not complaints(proc.stderr, url)

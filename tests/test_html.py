"""The HTML report: complete, escaped, self-contained, the same bytes every time, and
rendered by a real browser with nothing blocked and nothing fetched."""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal
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


def analysed(pack, tmp_path: Path) -> ReportContext:
    """The minipack's examples with the submission files, a previous period (the first
    unit had 3 points fewer in its first group and was second) and ``--weights 10%``."""
    files = sorted((MINIPACK / "examples").glob("*.json"))
    collected: list = []
    outcome = run_batch(pack, files, on_result=collected.append)
    previous = outcome_json(outcome, "2019")
    first, second = previous["blocks"]["commune"][:2]
    group = next(iter(first["groups"]))
    first["groups"][group] = str(Decimal(first["groups"][group]) - 3)
    first["total"] = str(Decimal(first["total"]) - 3)
    first["rank"], second["rank"] = 2, 1
    saved = tmp_path / "2019.json"
    saved.write_text(json.dumps(previous, ensure_ascii=False), encoding="utf-8")
    return ReportContext(pack, outcome, collected, load_previous(saved),
                         options={"weights": Decimal("0.1")}, files=tuple(files))


def test_cards_say_why_the_total_changed_and_what_the_next_level_takes(minipack, tmp_path):
    import criteria_engine as ce
    from criteria_engine.reports.analyses import next_level_lines

    ctx = analysed(minipack, tmp_path)
    html = full_report(ctx)
    assert full_report(ctx) == html  # the same bytes every time
    page = Page(html)
    assert ("meta", {"http-equiv": "Content-Security-Policy", "content": CSP}) in page.tags
    assert "http://" not in html and "https://" not in html and "<script" not in html
    text = page.all_text
    # why: every unit of both periods, its change split by group as an SVG chart
    standings = ctx.outcome.tables["commune"]
    assert text.count("Vì sao điểm thay đổi so với kỳ trước") == len(standings)
    groups = [g for g in minipack.block("commune").criteria if g.weight]
    charts = [a for t, a in page.tags if t == "figure" and "delta" in (a.get("class") or "")]
    deltas = [a for t, a in page.tags if t == "rect" and a.get("class") == "delta"]
    assert len(charts) == 1 and len(deltas) == len(groups)  # only the first unit moved
    gain = [a for a in deltas if float(a["width"]) > 0]
    assert len(gain) == 1 and gain[0]["fill"] == "#2e7d32"
    assert f"{group_label(minipack, 0)}: +3.00 điểm" in text
    assert f"Tổng điểm {first_total(ctx, -3)} → {first_total(ctx, 0)} (+3.00); hạng 2 → 1" in text
    assert f"Bị vượt bởi: {standings[0].name}" in text
    # the next level: each unit below the top, with the plan the analysis gives
    plans = ce.next_level(minipack, ce.read_records(ctx.files))
    assert plans
    for plan in plans:
        for line in next_level_lines(minipack, plan):
            assert " ".join(line.split()) in text
    # rank intervals with --weights
    assert "Khoảng thứ hạng khi trọng số mỗi nhóm thay đổi ±10%" in text
    assert full_report(context(minipack, sorted((MINIPACK / "examples").glob("*.json")))).count(
        "Khoảng thứ hạng") == 0


def group_label(pack, i: int) -> str:
    group = [g for g in pack.block("commune").criteria if g.weight][i]
    return f"{group.id}. {group.title}"


def first_total(ctx: ReportContext, delta: int) -> str:
    from criteria_engine.evaluation.rounding import round_published

    total = ctx.outcome.tables["commune"][0].total + delta
    return str(round_published(ctx.pack, total))


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


@pytest.mark.slow
@needs_chromium
def test_analyses_on_the_cards_render_with_nothing_blocked(minipack, tmp_path):
    page = tmp_path / "analysed.html"
    page.write_text(full_report(analysed(minipack, tmp_path)), encoding="utf-8")
    url = page.as_uri()
    dom = chromium(url, tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    text = Page(dom.stdout).all_text
    for heading in ("Vì sao điểm thay đổi so với kỳ trước", "Để đạt mức",
                    "Độ vững của thứ hạng", "Thay đổi điểm theo nhóm tiêu chí"):
        assert heading in text
    assert "<rect" in dom.stdout and 'class="delta"' in dom.stdout
    assert not complaints(dom.stderr, url)

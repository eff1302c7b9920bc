"""Every output of every example batch says what is not official: the approval state,
which criteria are reconstructed, and the note at the top of each submission file.

The expectations are read independently of :mod:`criteria_engine.reports.caveats`: the
notes straight from the example files, the count of criteria from the pack. The library
renders every format of every batch; a representative set of commands runs the CLI as a
user would.
"""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

import pytest

import criteria_engine as ce
from criteria_engine.evaluation.batch import run_batch
from criteria_engine.model.results import RESULT_STATES, STATE_LABELS
from criteria_engine.reports import FORMATS, ReportContext, find_report
from criteria_engine.reports.caveats import caveats
from criteria_engine.testing.packtools import run_cli_all

from .helpers import MINIPACK, ROOT, copy_pack, edit

PACKS = ROOT / "packs"
BATCHES = sorted(
    (folder.parent.parent.name, folder) for folder in PACKS.glob("*/examples/*") if folder.is_dir()
)


def _files(folder: Path) -> list[Path]:
    """The submission files of a folder as the CLI takes them (sub-folders too)."""
    return sorted(p for p in folder.rglob("*.json") if "invalid" not in p.relative_to(folder).parts)


def _notes(files: list[Path]) -> list[str]:
    """The top-level notes of the files, read straight from them."""
    notes = []
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue  # an example that is not JSON on purpose
        if isinstance(data, dict) and isinstance(data.get("note"), str):
            notes.append(data["note"].strip())
    return notes


def _criteria_count(pack, outcome) -> int:
    shown = [b for b in pack.blocks if b.id in outcome.tables] or list(pack.blocks)
    return sum(1 for b in shown for _ in b.all_criteria())


def _text_of(fmt: str, output: str | bytes) -> str:
    """Everything a reader of the output sees, as one text."""
    if fmt == "xlsx":
        import openpyxl

        # the caveats stand above the tables and on the notes sheet: the top rows suffice
        wb = openpyxl.load_workbook(io.BytesIO(output), read_only=True)
        return "\n".join(
            str(value)
            for ws in wb.worksheets
            for row in ws.iter_rows(max_row=None if ws.title == "Lưu ý" else 20, values_only=True)
            for value in row
            if value
        )
    if fmt == "html":
        return html.unescape(output)
    if fmt == "csv":
        return "\n".join(cell for row in csv.reader(io.StringIO(output)) for cell in row)
    if fmt == "json":
        found: list[str] = []

        def walk(value):
            if isinstance(value, str):
                found.append(value)
            elif isinstance(value, dict):
                for v in value.values():
                    walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)

        walk(json.loads(output))
        return "\n".join(found)
    return output


def _assert_carries(text: str, *, state: str, notes: list[str], count: int, where: str) -> None:
    assert STATE_LABELS[state] in text, f"{where}: no approval state"
    assert f"Tất cả {count} tiêu chí" in text and "(reconstructed)" in text, f"{where}: provenance"
    for note in notes:
        assert note in text, f"{where}: the note {note[:60]!r}… is missing"


@pytest.fixture(scope="module", params=BATCHES, ids=[f"{p}-{f.name}" for p, f in BATCHES])
def batch(request):
    name, folder = request.param
    pack = ce.load_pack(name)
    files = _files(folder)
    state = RESULT_STATES[len(folder.name) % len(RESULT_STATES)]  # not always the default
    results: list = []
    outcome = run_batch(pack, files, on_result=results.append, state=state)
    ctx = ReportContext(pack, outcome, results, period=folder.name[:4])
    return ctx, state, _notes(files)


def test_every_batch_output_of_every_format_carries_the_caveats(batch):
    ctx, state, notes = batch
    assert notes, "every bundled example file says it is invented"
    count = _criteria_count(ctx.pack, ctx.outcome)
    for fmt, form in FORMATS.items():
        text = _text_of(fmt, form.render_batch(ctx))
        _assert_carries(text, state=state, notes=notes, count=count, where=f"evaluate {fmt}")


@pytest.mark.parametrize("report", ["ranking", "findings"])
def test_every_report_table_output_carries_the_caveats(batch, report):
    ctx, state, notes = batch
    count = _criteria_count(ctx.pack, ctx.outcome)
    found = find_report(ctx.pack, report)
    tables = found.build(ctx)
    for fmt, form in FORMATS.items():
        if fmt == "xlsx" and report != "ranking":
            continue  # one workbook of tables is enough: the same renderer
        if not tables and fmt == "json":
            continue  # a report with no table is an empty list in JSON
        text = _text_of(fmt, form.render_tables(tables, ctx, found.title))
        _assert_carries(text, state=state, notes=notes, count=count, where=f"{report} {fmt}")


def test_the_html_report_names_the_period_and_every_card_carries_the_caveats(batch):
    ctx, state, _ = batch
    page = html.unescape(FORMATS["html"].render_batch(ctx))
    if ctx.period and ctx.period.isdigit():
        assert f"kỳ năm {ctx.period}" in page
    cards = page.count('<details class="card"')
    assert page.count('<ul class="caveats-card">') == cards
    if cards:
        assert page.count(STATE_LABELS[state]) >= cards + 1  # the page's box and each card


# ── the command line, as a user runs it ──────────────────────────────────────────────────


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    examples = {p: PACKS / p / "examples" for p in ("hungyen", "gialai", "backan", "kontum")}
    commands = {
        "table": ["evaluate", "hungyen", str(examples["hungyen"] / "2019"), "-q"],
        "csv": ["evaluate", "gialai", str(examples["gialai"] / "2019"), "--format", "csv",
                "--state", "verified", "-q"],
        "json": ["evaluate", "backan", str(examples["backan"] / "2018"), "--format", "json",
                 "-o", str(out / "backan.json"), "-q"],
        "html": ["report", "kontum", "html", str(examples["kontum"] / "2021"), "--state",
                 "approved", "-o", str(out / "kontum.html"), "-q"],
        "xlsx": ["report", "backan", "findings", str(examples["backan"] / "2019"), "--format",
                 "xlsx", "-o", str(out / "findings.xlsx"), "-q"],
        "explain": ["explain", "hungyen", str(examples["hungyen"] / "2019"), "--unit",
                    "so-tai-chinh", "--criterion", "1"],
    }  # fmt: skip
    return run_cli_all(commands), out


@pytest.mark.parametrize(
    ("run", "folder", "state"),
    [
        ("table", "hungyen/examples/2019", "draft"),
        ("csv", "gialai/examples/2019", "verified"),
        ("json", "backan/examples/2018", "draft"),
        ("html", "kontum/examples/2021", "approved"),
        ("xlsx", "backan/examples/2019", "draft"),
    ],
)
def test_the_cli_outputs_carry_the_caveats(cli_runs, run, folder, state):
    procs, out = cli_runs
    proc = procs[run]
    assert proc.returncode == 0, proc.stderr
    written = {"json": "backan.json", "html": "kontum.html", "xlsx": "findings.xlsx"}
    if run in written:
        path = out / written[run]
        output = path.read_bytes() if run == "xlsx" else path.read_text(encoding="utf-8")
    else:
        output = proc.stdout
    pack = ce.load_pack(folder.split("/")[0])
    count = sum(1 for b in pack.blocks for _ in b.all_criteria())
    files = _files(PACKS / folder)
    _assert_carries(_text_of(run, output), state=state, notes=_notes(files), count=count, where=run)
    if run == "json":
        data = json.loads(output)
        assert list(data)[list(data).index("state") + 1] == "caveats"
        assert all(any(n in line for line in data["caveats"]) for n in _notes(files))
    if run == "html":
        assert "kỳ năm 2021" in html.unescape(output)


def test_explain_ends_with_the_units_caveats(cli_runs):
    procs, _ = cli_runs
    proc = procs["explain"]
    assert proc.returncode == 0, proc.stderr
    pack = ce.load_pack("hungyen")
    tail = proc.stdout.split("Lưu ý về trạng thái")[1]
    assert STATE_LABELS["draft"] in tail
    assert f"Tất cả {len(list(pack.block('department').all_criteria()))} tiêu chí" in tail
    (note,) = _notes([PACKS / "hungyen" / "examples" / "2019" / "department.json"])
    assert note in tail
    # only the unit's own file: the communes' notes are not about this unit
    assert "commune-" not in tail


# ── what the caveats say ─────────────────────────────────────────────────────────────────


def test_a_partly_transcribed_pack_names_its_reconstructed_criteria(tmp_path):
    folder = copy_pack(tmp_path)
    criteria = folder / "criteria" / "commune.yaml"
    for item in ("1.1", "1.2", "2"):
        edit(criteria, f'status: reconstructed, annex: Test, item: "{item}"',
             f'status: transcribed, annex: Test, item: "{item}"')  # fmt: skip
    edit(criteria, '    provenance: {status: reconstructed, annex: Test, item: "3"}\n', "")
    pack = ce.load_pack(str(folder))
    lines = caveats(pack)
    block = pack.block("commune")
    total = sum(1 for _ in block.all_criteria())
    reconstructed = [
        c.id for c in block.all_criteria() if c.provenance and c.provenance.status != "transcribed"
    ]
    (line,) = [x for x in lines if "(reconstructed)" in x]
    assert f"{len(reconstructed)}/{total} tiêu chí" in line
    assert all(cid in line for cid in reconstructed) and "1.1," not in line
    (missing,) = [x for x in lines if "không ghi nguồn" in x]
    assert f"1/{total} tiêu chí" in missing and missing.endswith(": 3.")


def test_identical_notes_are_said_once_naming_their_files(tmp_path):
    pack = ce.load_pack(str(MINIPACK))
    data = json.loads((MINIPACK / "examples" / "commune.json").read_text(encoding="utf-8"))
    for i, unit in enumerate(data["units"]):
        doc = {"note": "Số liệu giả định.", "period": "2020", "units": [unit]}
        (tmp_path / f"u{i}.json").write_text(json.dumps(doc), encoding="utf-8")
    (tmp_path / "other.json").write_text(json.dumps({**doc, "note": "Khác."}), encoding="utf-8")
    outcome = run_batch(pack, sorted(tmp_path.glob("*.json")))
    notes = [x for x in caveats(pack, outcome) if x.startswith("Ghi chú")]
    assert len(notes) == 2  # in reading order: other.json comes first
    assert notes[0].endswith("other.json: Khác.")
    assert notes[1].startswith(f"Ghi chú của {len(data['units'])} tệp số liệu ")
    assert notes[1].endswith(f"và {len(data['units']) - 3} tệp khác: Số liệu giả định.")


def test_block_narrows_the_provenance_and_the_notes():
    pack = ce.load_pack("hungyen")
    folder = PACKS / "hungyen" / "examples" / "2019"
    outcome = run_batch(pack, _files(folder)).only_block("department")
    lines = caveats(pack, outcome)
    department = sum(1 for _ in pack.block("department").all_criteria())
    assert any(f"Tất cả {department} tiêu chí" in x for x in lines)
    (note,) = [x for x in lines if x.startswith("Ghi chú")]
    assert note.startswith(f"Ghi chú của tệp số liệu {folder / 'department.json'}:")


def test_a_comparison_says_the_state_of_the_previous_results(tmp_path):
    from criteria_engine.reports.caveats import context_caveats
    from criteria_engine.reports.history import load_previous, outcome_json

    pack = ce.load_pack("backan")
    before = run_batch(pack, _files(PACKS / "backan" / "examples" / "2018"), state="approved")
    saved = tmp_path / "2018.json"
    saved.write_text(json.dumps(outcome_json(before, "2018")), encoding="utf-8")
    now = run_batch(pack, _files(PACKS / "backan" / "examples" / "2019"))
    ctx = ReportContext(pack, now, previous=load_previous(saved, pack=pack, period="2019"))
    lines = context_caveats(ctx)
    assert f"Kết quả kỳ trước (2018) dùng để so sánh: {STATE_LABELS['approved']}." in lines
    rendered = FORMATS["table"].render_tables(find_report(pack, "rank-change").build(ctx), ctx, "")
    assert STATE_LABELS["approved"] in rendered and STATE_LABELS["draft"] in rendered

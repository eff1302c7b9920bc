"""Nothing silently wrong in the CLI: every wrongly typed field, bad output path, odd file
encoding and Ctrl-C ends in a clear message and the right exit code, never a traceback,
and nothing already written is lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import criteria_engine as ce
from criteria_engine.inputs.records import Record, SubmissionError, read_file
from criteria_engine.testing.packtools import cli_environment

from .helpers import MINIPACK, ROOT, run_cli

EXAMPLES = MINIPACK / "examples" / "commune.json"
HUNGYEN_2019 = str(ROOT / "packs" / "hungyen" / "examples" / "2019")


@pytest.fixture(scope="module")
def minipack():
    return ce.load_pack(str(MINIPACK))


def _units() -> list[dict]:
    return json.loads(EXAMPLES.read_text(encoding="utf-8"))["units"]


def _document(units: list) -> dict:
    return {"period": "2020", "units": units}


#: (field, wrong value): each the wrong JSON type for its field
WRONG_TYPES = [
    ("self_scores", [1, 2]),
    ("self_scores", "9"),
    ("reasons", ["thiếu"]),
    ("reasons", "thiếu"),
    ("verified", 5),
    ("verified", ["docs_total"]),
    ("head", "Nguyễn Văn A"),
    ("head", ["Nguyễn Văn A"]),
    ("inputs", [100, 100]),
    ("name", {"vi": "Xã An"}),
    ("block", ["commune"]),
    ("id", {"x": 1}),
    ("period", {"year": 2020}),
    ("parent", ["huyen-1"]),
    ("stage", True),
    ("note", {"text": "x"}),
]


def test_every_wrongly_typed_field_is_an_error_naming_it_and_the_batch_goes_on(tmp_path):
    files = []
    for i, (field, value) in enumerate(WRONG_TYPES):
        bad = {**_units()[0], field: value}
        path = tmp_path / f"bad-{i}-{field}.json"
        # each file: the bad record, a null record, and a good unit of its own
        good = {**_units()[1], "id": "xa-b"} if i == 0 else None
        path.write_text(json.dumps(_document([bad, None, *([good] if good else [])])))
        files.append(path)
    huge = {**_units()[0], "id": "xa-c"}
    huge["inputs"] = {**huge["inputs"], "docs_total": "__HUGE__"}
    text = json.dumps(_document([huge])).replace('"__HUGE__"', "9" * 5000)
    (tmp_path / "huge.json").write_text(text)
    proc = run_cli("evaluate", str(MINIPACK), str(tmp_path), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for i, (field, _) in enumerate(WRONG_TYPES):
        line = next(x for x in proc.stderr.splitlines() if f"bad-{i}-{field}.json (unit #1)" in x)
        assert f"field {field!r}" in line and "must be" in line, line
    assert "a unit record must be an object" in proc.stderr
    huge_line = next(x for x in proc.stderr.splitlines() if "huge.json" in x)
    assert "field 'inputs.docs_total'" in huge_line and "5,000 characters" in huge_line
    assert len(huge_line) < 300  # the number is cut, not printed whole
    data = json.loads(proc.stdout)
    ranked = [r["unit_id"] for r in data["blocks"]["commune"] if r["rank"] is not None]
    assert ranked == ["xa-b"]  # the good unit is still evaluated and ranked
    records = 2 * len(WRONG_TYPES) + 1 + 1  # bad + null per file, the good one, the huge one
    assert data["counts"] == {"units": records, "results": 1, "errors": data["counts"]["errors"]}
    assert f"{records} units: 1 evaluated, {records - 1} with errors" in proc.stderr


@pytest.mark.parametrize(("field", "value"), WRONG_TYPES)
def test_wrong_types_in_the_library_are_errors_too(field, value, minipack):
    from criteria_engine.inputs.records import check_record

    checked = check_record(minipack, Record({**_units()[0], field: value}, "f.json"))
    assert isinstance(checked, list)
    assert field in {e.field for e in checked}


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("reasons", {"1": ["a"]}, "reasons.1"),
        ("head", {"name": {"x": 1}}, "head.name"),
        ("self_scores", {"1": {"x": 1}}, "self_scores.1"),
        ("verified", {"docs_total": [1]}, "verified.docs_total"),
        ("inputs", {"docs_total": {"x": 1}}, "inputs.docs_total"),
    ],
)
def test_wrong_types_inside_objects_name_the_entry(field, value, where, minipack):
    from criteria_engine.inputs.records import check_record

    record = {**_units()[0], field: value}
    if field == "inputs":
        record["inputs"] = {**_units()[0]["inputs"], **value}
    checked = check_record(minipack, Record(record, "f.json"))
    assert isinstance(checked, list) and where in {e.field for e in checked}, checked


def test_summaries_count_records_not_ids(tmp_path):
    twin = {**_units()[0], "inputs": {"docs_total": "nhiều"}}
    (tmp_path / "twins.json").write_text(json.dumps(_document([twin, dict(twin)])))
    proc = run_cli("validate", str(MINIPACK), str(tmp_path / "twins.json"))
    assert proc.returncode == 1
    assert "2 units: 0 valid, 2 invalid" in proc.stdout
    proc = run_cli("evaluate", str(MINIPACK), str(tmp_path / "twins.json"))
    assert "2 units: 0 evaluated, 2 with errors" in proc.stderr
    assert "2 unit(s) could not be evaluated" in proc.stderr


# ── encodings ────────────────────────────────────────────────────────────────────────────


def _csv_text() -> str:
    unit = _units()[0]
    columns = ["id", "name", "block", "period", "submitted", *unit["inputs"]]
    values = [unit["id"], unit["name"], "commune", "2020", unit["submitted"]]
    values += [str(v).lower() for v in unit["inputs"].values()]
    return ",".join(columns) + "\n" + ",".join(values) + "\n"


def _yaml_text() -> str:
    unit = _units()[0]
    lines = [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in unit.items()]
    return "period: '2020'\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be-bom", "utf-32", "utf-8-sig"])
@pytest.mark.parametrize("suffix", [".json", ".csv", ".yaml"])
def test_unicode_files_with_a_bom_are_read(tmp_path, codec, suffix):
    text = {".json": EXAMPLES.read_text(encoding="utf-8"), ".csv": _csv_text()}.get(
        suffix, _yaml_text()
    )
    path = tmp_path / f"units{suffix}"
    if codec == "utf-16-be-bom":
        path.write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    else:
        path.write_bytes(text.encode(codec))
    items = list(read_file(path))
    assert items and all(isinstance(i, Record) for i in items), items
    assert items[0].data["name"] == "Xã An"


def test_utf16_json_is_evaluated_by_the_cli(tmp_path):
    path = tmp_path / "utf16.json"
    path.write_text(EXAMPLES.read_text(encoding="utf-8"), encoding="utf-16")
    proc = run_cli("evaluate", str(MINIPACK), str(path), "-q")
    assert proc.returncode == 0, proc.stderr
    assert "Xã An" in proc.stdout


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            '{"name": "Xa\u0303 Đông Hưng"}'.encode("cp1258"),  # Windows-1258: tone apart
            "Windows-1258, TCVN3 (ABC) or VNI",
        ),
        ('{"name": "Xã An"}'.encode("utf-16-le"), "UTF-16 without a byte-order mark"),
        ("Xã An".encode("latin-1", errors="replace"), "save it as UTF-8"),
    ],
)
def test_other_encodings_get_a_hint_naming_the_problem(tmp_path, raw, expected):
    path = tmp_path / "units.json"
    path.write_bytes(raw)
    (error,) = read_file(path)
    assert isinstance(error, SubmissionError)
    assert "not UTF-8" in error.message and expected in error.message
    assert "line 1" in error.message


# ── output paths ─────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing/out.json", "does not exist"),
        (".", "this is a folder"),
        ("a-file/out.json", "is a file, not a folder"),
        ("input.json", "one of the submission files"),
    ],
)
def test_a_bad_output_path_is_refused_before_any_work(tmp_path, target, message):
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "input.json").write_text(EXAMPLES.read_text(encoding="utf-8"))
    before = (tmp_path / "input.json").read_bytes()
    proc = run_cli(
        "evaluate", str(MINIPACK), str(tmp_path / "input.json"), "--format", "json",
        "-o", str(tmp_path / target),
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert "units:" not in proc.stderr  # refused before the batch ran
    assert (tmp_path / "input.json").read_bytes() == before


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_folder_is_refused_before_any_work(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        proc = run_cli("evaluate", str(MINIPACK), str(EXAMPLES), "-o", str(locked / "r.txt"))
    finally:
        locked.chmod(0o700)
    assert proc.returncode == 2 and "cannot write" in proc.stderr


def test_a_binary_format_without_output_is_refused_before_any_work():
    proc = run_cli("evaluate", str(MINIPACK), str(EXAMPLES), "--format", "xlsx")
    assert proc.returncode == 2 and "give -o FILE" in proc.stderr
    assert "units:" not in proc.stderr


def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    from criteria_engine.cli.errors import OutputProblem
    from criteria_engine.cli.output import write_output

    target = tmp_path / "results.json"
    target.write_text("last year's results")

    def full_disk(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OutputProblem, match="No space left on device"):
        write_output("new results", str(target))
    assert target.read_text() == "last year's results"
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_output_is_written_whole_with_ordinary_permissions(tmp_path):
    target = tmp_path / "results.json"
    proc = run_cli("evaluate", str(MINIPACK), str(EXAMPLES), "--format", "json", "-q",
                   "-o", str(target))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["pack"].startswith("minipack")
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


# ── --block ──────────────────────────────────────────────────────────────────────────────


def test_block_narrows_json_output():
    proc = run_cli("evaluate", "hungyen", HUNGYEN_2019, "--format", "json", "--block", "district")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert list(data["blocks"]) == ["district"] and data["blocks"]["district"]


def test_block_narrows_the_results_workbook(tmp_path):
    import openpyxl

    out = tmp_path / "district.xlsx"
    proc = run_cli("evaluate", "hungyen", HUNGYEN_2019, "--format", "xlsx", "--block",
                   "district", "-o", str(out), "-q")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    sheets = openpyxl.load_workbook(out).sheetnames
    ranking = [s for s in sheets if s.startswith("Xếp hạng")]
    assert len(ranking) == 1 and "02" in ranking[0], sheets


def test_a_misspelt_block_is_a_usage_error_with_a_suggestion():
    proc = run_cli("evaluate", "hungyen", HUNGYEN_2019, "--block", "comune")
    assert proc.returncode == 2
    assert "no block 'comune'" in proc.stderr and "did you mean 'commune'" in proc.stderr
    assert proc.stdout == "" and "units:" not in proc.stderr


# ── Ctrl-C ───────────────────────────────────────────────────────────────────────────────


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_ctrl_c_exits_130_with_one_line_and_no_traceback(tmp_path):
    pipe = tmp_path / "units.json"
    os.mkfifo(pipe)
    proc = subprocess.Popen(
        [sys.executable, "-m", "criteria_engine", "evaluate", str(MINIPACK), str(pipe)],
        cwd=ROOT,
        env=cli_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a test runner in the background ignores SIGINT; the CLI must get the default
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        writer = os.open(pipe, os.O_WRONLY)  # returns once the CLI is reading the file
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
        os.close(writer)
    finally:
        proc.kill()
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert [line for line in stderr.splitlines() if line.strip()] == [
        "interrupted (Ctrl-C): stopped before finishing"
    ]


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6).map(Decimal),
    st.text(max_size=5),
    st.sampled_from([Decimal("1e999"), "0000", "2020", "12,5", "9" * 5000]),
    st.dates(),
)
_FIELDS = [
    *("id", "name", "block", "period", "submitted", "parent", "head", "stage"),
    *("inputs", "self_scores", "reasons", "verified", "note"),
]
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)


@given(
    fields=st.dictionaries(st.sampled_from(_FIELDS), _VALUES, max_size=4),
    inputs=st.dictionaries(st.sampled_from(["docs_total", "has_portal", "plan_date"]), _VALUES),
)
def test_any_json_value_in_any_field_is_a_submission_or_errors_never_a_crash(
    minipack, fields, inputs
):
    from criteria_engine.inputs.records import check_record

    unit = {**_units()[0], "period": "2020", **fields}
    if "inputs" not in fields:
        unit["inputs"] = {**_units()[0]["inputs"], **inputs}
    checked = check_record(minipack, Record(unit, "f.json"))
    assert isinstance(checked, list) or checked.id
    outcome = ce.run_batch(minipack, units=[unit, {"period": "2020", "units": [unit, None]}])
    assert outcome.units_in == 3

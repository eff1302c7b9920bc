"""The CLI as a user runs it: a new process, its exit code, stdout and stderr."""

from __future__ import annotations

import json

from .helpers import MINIPACK, copy_pack, edit, line_of, run_cli

EXAMPLES = str(MINIPACK / "examples")


def test_evaluate_prints_the_ranking_and_exits_zero():
    proc = run_cli("evaluate", str(MINIPACK), EXAMPLES, "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "Xã An" in proc.stdout and "Tốt" in proc.stdout
    assert "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    assert [i for i, line in enumerate(lines) if "Xã An" in line] < [
        i for i, line in enumerate(lines) if "Xã Cẩm" in line
    ]


def test_evaluate_json_is_the_saved_results_form():
    proc = run_cli("evaluate", str(MINIPACK), EXAMPLES, "--format", "json", "-q")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    rows = data["blocks"]["commune"]
    assert [(r["unit_id"], r["rank"], r["status"]) for r in rows] == [
        ("xa-a", 1, "ranked"),
        ("xa-b", 2, "ranked"),
        ("xa-c", None, "late"),
        ("xa-loai-tru", None, "excluded"),
    ]
    assert rows[1]["published_total"] == "46.33"
    assert data["counts"] == {"units": 4, "results": 4, "errors": 0}


def test_csv_has_a_bom_and_markdown_is_a_table():
    csv_out = run_cli("evaluate", str(MINIPACK), EXAMPLES, "--format", "csv", "-q")
    assert csv_out.stdout.startswith("\ufeff")
    assert "Xã Bình" in csv_out.stdout
    md = run_cli("evaluate", str(MINIPACK), EXAMPLES, "--format", "markdown", "-q")
    assert "| STT" in md.stdout.replace("|   STT", "| STT") or "| STT" in md.stdout


def test_bad_input_names_file_unit_and_field_and_keeps_the_rest(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "period": "2020",
                "units": [
                    {
                        "id": "xa-x",
                        "name": "Xã X",
                        "block": "commune",
                        "inputs": {
                            "docs_total": "nhiều",
                            "docs_electronic": 1,
                            "has_portal": True,
                            "bandwidth": 1,
                            "has_server_room": True,
                            "services_total": 1,
                            "services_online": 1,
                            "head_role": "Khác",
                        },
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    proc = run_cli("evaluate", str(MINIPACK), EXAMPLES, str(bad), "-q")
    assert proc.returncode == 1
    assert "bad.json" in proc.stderr and "'xa-x'" in proc.stderr
    assert "inputs.docs_total" in proc.stderr and "nhiều" in proc.stderr
    assert "Xã An" in proc.stdout  # the rest of the batch still comes out
    assert "Traceback" not in proc.stderr


def test_not_json_is_a_clear_error(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("{oops", encoding="utf-8")
    proc = run_cli("validate", str(MINIPACK), str(bad))
    assert proc.returncode == 1
    assert "not valid JSON" in proc.stderr and "Traceback" not in proc.stderr


def test_broken_pack_exits_2_with_file_line_col(tmp_path):
    folder = copy_pack(tmp_path)
    edit(
        folder / "criteria/commune.yaml",
        "ratio(docs_electronic, docs_total)",
        "ratio(docs_electronic docs_total)",
    )
    proc = run_cli("check", str(folder))
    assert proc.returncode == 2
    line = line_of(folder / "criteria/commune.yaml", "docs_electronic docs_total")
    assert f"commune.yaml:{line}:53: syntax: an operator is missing" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_pack_and_usage_errors_exit_2():
    proc = run_cli("evaluate", "no-such-pack", EXAMPLES)
    assert proc.returncode == 2 and "no pack named 'no-such-pack'" in proc.stderr
    proc = run_cli("schema", str(MINIPACK), "--block", "nowhere")
    assert proc.returncode == 2 and "no block 'nowhere'" in proc.stderr


def test_show_schema_template_explain():
    show = run_cli("show", str(MINIPACK))
    assert show.returncode == 0 and "ratio(docs_electronic, docs_total)" in show.stdout
    schema = json.loads(run_cli("schema", str(MINIPACK), "--block", "commune").stdout)
    assert "docs_total" in schema["$defs"]["unit"]["properties"]["inputs"]["properties"]
    template = json.loads(run_cli("template", str(MINIPACK), "--block", "commune").stdout)
    assert template["units"][0]["block"] == "commune"
    explain = run_cli("explain", str(MINIPACK), EXAMPLES, "--unit", "xa-b")
    assert explain.returncode == 0, explain.stderr
    assert "ratio(docs_electronic, docs_total) = 0.5" in explain.stdout
    assert "Tổng: 46.33 / 100" in explain.stdout


def test_report_command_lists_and_runs_reports():
    listing = run_cli("reports", str(MINIPACK))
    assert "ranking" in listing.stdout and "rank-change" in listing.stdout
    proc = run_cli("report", str(MINIPACK), "findings", EXAMPLES, "-q")
    assert proc.returncode == 0 and "late" in proc.stdout
    proc = run_cli("report", str(MINIPACK), "rank-change", EXAMPLES)
    assert proc.returncode == 2 and "--previous" in proc.stderr


def test_rank_change_against_saved_previous_results(tmp_path):
    previous = tmp_path / "prev.json"
    saved = run_cli("evaluate", str(MINIPACK), EXAMPLES, "--format", "json", "-q").stdout
    data = json.loads(saved)
    data["blocks"]["commune"][0]["rank"], data["blocks"]["commune"][1]["rank"] = 2, 1
    previous.write_text(json.dumps(data), encoding="utf-8")
    proc = run_cli(
        "report",
        str(MINIPACK),
        "rank-change",
        EXAMPLES,
        "--previous",
        str(previous),
        "--format",
        "json",
        "-q",
    )
    assert proc.returncode == 0, proc.stderr
    rows = {r["unit"]: r for r in json.loads(proc.stdout)[0]["rows"]}
    assert rows["Xã Bình"]["flag"] == "xuống hạng" and rows["Xã An"]["flag"] == ""

"""Cases as data: reading case files, running them, and saying what failed and where."""

from __future__ import annotations

import textwrap

import pytest

from criteria_engine.loading.finder import PackNotFound, installed
from criteria_engine.testing.cases import (
    CaseFileError,
    case_files,
    is_case_file,
    load_cases,
)
from criteria_engine.testing.runner import pack_for, run_case, run_pack_cases

from ..helpers import ROOT

#: One unit of the new pack, as a one-line YAML mapping: 53 of 80 (3.2 does not apply).
UNIT = (
    "{id: xa-mau, name: Xã Mẫu, block: commune, inputs: {staff_total: 10, staff_with_pc: 5, "
    "has_portal: true, uses_one_stop: true, sector_apps: 2, has_email: false, "
    "records_total: 100, records_online: 79, services_total: 0, services_online: 0}}"
)


def _write(pack, text, name="extra.yaml"):
    path = pack / "cases" / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_the_cases_of_a_new_pack_pass(shared_pack):
    results = run_pack_cases(shared_pack)
    assert len(results) == 9
    assert all(r.passed for r in results), [r.render() for r in results if not r.passed]


def test_a_failed_expectation_names_the_file_line_criterion_and_both_values(new_pack):
    path = _write(
        new_pack,
        f"""
        - name: Records 79 of 100 online earn 20 for 3.1
          input: {UNIT}
          output:
            total: 60
            scores: {{"3.1": 20}}
        """,
    )
    (result,) = [run_case(case) for case in load_cases(path)]
    assert not result.passed
    text = result.render()
    assert text.splitlines()[0] == f"{path}:1: Records 79 of 100 online earn 20 for 3.1"
    assert "unit xa-mau 'Xã Mẫu' (block commune, pack vidu@2024)" in text
    assert "line 4: total: expected 60, got 53 (66.25 % of 80)" in text
    assert (
        "line 5: criterion 3.1 Tỷ lệ hồ sơ được nộp trực tuyến (max 20): expected 20, got 12"
    ) in text
    assert "inputs: records_online = 79, records_total = 100" in text


def test_figures_compare_as_published_unless_more_decimals_are_written(new_pack):
    path = _write(
        new_pack,
        f"""
        - name: 53 is written with the pack's two places
          input: {UNIT}
          output: {{total: 53.00}}
        - name: a third decimal compares the exact total
          input: {UNIT}
          output: {{total: 53.001}}
        """,
    )
    first, second = (run_case(case) for case in load_cases(path))
    assert first.passed
    assert not second.passed


def test_null_means_the_criterion_does_not_apply(new_pack):
    path = _write(
        new_pack,
        f"""
        - name: 3.2 does not apply without procedures
          input: {UNIT}
          output: {{max_total: 80, scores: {{"3.2": null}}}}
        - name: but 3.1 does
          input: {UNIT}
          output: {{scores: {{"3.1": null}}}}
        """,
    )
    first, second = (run_case(case) for case in load_cases(path))
    assert first.passed
    assert "expected not applicable, got 12" in second.render()


def test_findings_must_match_exactly(new_pack):
    path = _write(
        new_pack,
        f"""
        - name: a unit on time has no findings
          input: {UNIT}
          output: {{findings: []}}
        - name: a unit on time is not late
          input: {UNIT}
          output: {{findings: [late]}}
        """,
    )
    first, second = (run_case(case) for case in load_cases(path))
    assert first.passed
    assert "findings: expected [late], got none" in second.render()


def test_an_expected_error_matches_on_unit_field_and_message(new_pack):
    bad = UNIT.replace("staff_total: 10", "staff_total: 0")
    path = _write(
        new_pack,
        f"""
        - name: no staff is refused
          input: {bad}
          error: {{unit: xa-mau, field: staff_total, message: below the minimum}}
        - name: the wrong field is a failure
          input: {bad}
          error: {{unit: xa-mau, field: staff_with_pc}}
        - name: a valid unit is not an error
          input: {UNIT}
          error: {{unit: xa-mau, field: staff_total}}
        """,
    )
    ok, wrong, accepted = (run_case(case) for case in load_cases(path))
    assert ok.passed
    assert "field 'inputs.staff_total': 0 is below the minimum 1" in wrong.render()
    assert "got the units were accepted (unit xa-mau scored 53)" in accepted.render()


def test_a_mistyped_case_says_what_is_wrong_with_it(new_pack):
    path = _write(
        new_pack,
        f"""
        - nam: typo
          input: {UNIT}
          output: {{totl: 3}}
        """,
    )
    (case,) = load_cases(path)
    text = run_case(case).render()
    assert "unknown key 'nam' in the case (did you mean 'name'?)" in text
    assert "a case needs a `name`" in text
    assert "unknown key 'totl' in `output` (did you mean 'total'?)" in text


def test_several_units_need_the_unit_named(new_pack):
    path = _write(
        new_pack,
        """
        - name: which one?
          files: [../examples/2024]
          output: {rank: 1}
        """,
    )
    (case,) = load_cases(path)
    assert "6 units in the case; name one with `unit:`" in run_case(case).render()


def test_a_rank_failure_lists_the_units_ahead(new_pack):
    path = _write(
        new_pack,
        """
        - name: xa-binh-minh is first
          files: [../examples/2024]
          output: {unit: xa-binh-minh, rank: 1}
        """,
    )
    (case,) = load_cases(path)
    text = run_case(case).render()
    assert "rank: expected 1, got 3" in text
    # ranked on the percent (a criterion may not apply): 78 of a smaller maximum comes first
    assert "rank 1: xa-duc-phong (78, " in text
    assert "rank 2: xa-an-binh (85, 85 %)" in text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: not a list\n", "a case file is a list of cases"),
        ("- name: [unclosed\n", "the case file cannot be read"),
    ],
)
def test_a_file_that_is_not_a_list_of_cases_cannot_be_read(new_pack, text, message):
    path = new_pack / "cases" / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CaseFileError, match=message):
        load_cases(path)


def test_case_files_are_the_yaml_files_of_cases_next_to_a_pack(shared_pack, tmp_path):
    assert case_files(shared_pack) == [shared_pack / "cases" / "commune.yaml"]
    assert is_case_file(shared_pack / "cases" / "commune.yaml")
    stray = tmp_path / "cases" / "x.yaml"
    stray.parent.mkdir()
    stray.write_text("[]", encoding="utf-8")
    assert not is_case_file(stray)


def test_the_period_picks_the_version_in_force():
    folder = ROOT / "packs" / "hatinh"
    assert pack_for(folder, "2020").version == "2019"
    assert pack_for(folder, "2022").version == "2021"
    assert pack_for(folder, None).version == "2021"
    with pytest.raises(PackNotFound):
        pack_for(folder, "2018")


@pytest.mark.parametrize(
    "ref", [r for r in installed() if case_files(r.path)], ids=lambda r: r.label
)
def test_the_cases_of_every_installed_pack_pass(ref):
    failed = [r.render() for r in run_pack_cases(ref.path) if not r.passed]
    assert not failed, "\n\n".join(failed)

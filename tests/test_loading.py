"""Loading packs: every problem found at once, each with its file, line and column."""

from __future__ import annotations

import pytest

from criteria_engine.loading.pack_dir import load_pack_dir
from criteria_engine.model.problems import PackError

from .helpers import MINIPACK, copy_pack, edit, line_of


def _problems(folder) -> list:
    with pytest.raises(PackError) as info:
        load_pack_dir(folder)
    return list(info.value.problems)


def test_fixture_pack_loads():
    pack = load_pack_dir(MINIPACK)
    block = pack.block("commune")
    assert block.max_total == 100
    assert [c.id for c in block.all_criteria()][:3] == ["1", "1.1", "1.2"]
    order = [c.id for c in block.order]
    assert order.index("1") > order.index("1.4")  # a group after its children
    assert order.index("3.2") > order.index("1")  # a reference after what it names


def test_schema_errors_name_the_key_and_the_line(tmp_path):
    folder = copy_pack(tmp_path)
    edit(folder / "criteria/commune.yaml", "    max: 30\n", "    max: thirty\n    colour: red\n")
    problems = _problems(folder)
    messages = {p.message for p in problems}
    assert "'thirty' is not of type 'number'" in messages
    assert "unknown key: 'colour'" in messages
    colour = next(p for p in problems if "colour" in p.message)
    assert colour.line == line_of(folder / "criteria/commune.yaml", "colour")
    assert colour.path == ("criteria", 0, "colour")


def test_formula_errors_point_into_the_file(tmp_path):
    folder = copy_pack(tmp_path)
    edit(
        folder / "criteria/commune.yaml",
        "max_points * ratio(docs_electronic, docs_total)",
        "max_points * ratio(docs_electronc, docs_total)",
    )
    (problem,) = _problems(folder)
    assert problem.file.endswith("commune.yaml")
    assert problem.line == line_of(folder / "criteria/commune.yaml", "docs_electronc")
    assert "docs_electronc" in problem.message
    assert problem.hint and "docs_electronic" in problem.hint
    assert problem.source_line and "docs_electronc" in problem.source_line
    assert problem.source_line[problem.column - 1 :].startswith("docs_electronc")


def test_step_formula_in_block_scalar_points_at_its_line(tmp_path):
    folder = copy_pack(tmp_path)
    edit(folder / "criteria/commune.yaml", ">= 50% -> 20,", ">= 90% -> 20,")
    (problem,) = _problems(folder)
    assert problem.line == line_of(folder / "criteria/commune.yaml", ">= 90% -> 20")
    assert "can never be chosen" in problem.message or "unreachable" in problem.code


def test_maxima_must_add_up(tmp_path):
    folder = copy_pack(tmp_path)
    edit(
        folder / "criteria/commune.yaml",
        "        max: 5\n        formula: if has_portal",
        "        max: 7\n        formula: if has_portal",
    )
    edit(folder / "criteria/commune.yaml", "total: 100", "total: 99")
    messages = " | ".join(p.message for p in _problems(folder))
    assert "group '1' has max 30 but its children add up to 32" in messages
    assert "total is 99 but the top-level criteria add up to 100" in messages


def test_child_above_parent_and_duplicate_ids(tmp_path):
    folder = copy_pack(tmp_path)
    edit(folder / "criteria/commune.yaml", '      - id: "1.2"', '      - id: "1.1"')
    edit(
        folder / "criteria/commune.yaml",
        "        max: 30\n        applies",
        "        max: 50\n        applies",
    )
    codes = {p.code for p in _problems(folder)}
    assert {"duplicate-id", "child-max"} <= codes


def test_cycle_between_criteria_is_reported_with_its_path(tmp_path):
    folder = copy_pack(tmp_path)
    edit(
        folder / "criteria/commune.yaml",
        "formula: if has_server_room then 5 else 0",
        "formula: 'min(5, score(\"3.2\"))'",
    )
    (problem,) = [p for p in _problems(folder) if p.code == "cycle"]
    assert "1 → 1.4 → 3.2 → 1" in problem.message or "→" in problem.message


def test_levels_must_cover_every_percent(tmp_path):
    folder = copy_pack(tmp_path)
    edit(folder / "pack.yaml", '{name: Yếu, when: "true"}', '{name: Yếu, when: "percent > 10%"}')
    (problem,) = _problems(folder)
    assert problem.code == "level-gap" and "0" in problem.message


def test_optional_input_needs_a_default_and_undeclared_names_are_refused(tmp_path):
    folder = copy_pack(tmp_path)
    edit(
        folder / "criteria/commune.yaml",
        "required: false,\n              default: 0,",
        "required: false,",
    )
    codes = {p.code for p in _problems(folder)}
    assert "default" in codes


def test_hostile_pack_files_fail_cleanly(tmp_path):
    folder = copy_pack(tmp_path)
    (folder / "pack.yaml").write_text("a: &a [1]\nb: *a\n", encoding="utf-8")
    assert _problems(folder)[0].code == "alias"
    (folder / "pack.yaml").write_text("name: !!python/name:os.system x\n", encoding="utf-8")
    assert _problems(folder)[0].code == "tag"


def test_missing_block_file_and_unknown_deadline_block(tmp_path):
    folder = copy_pack(tmp_path)
    edit(
        folder / "pack.yaml",
        "blocks: [criteria/commune.yaml]",
        "blocks: [criteria/commune.yaml, criteria/nowhere.yaml]",
    )
    edit(
        folder / "pack.yaml",
        "{commune: {before: 2020-10-25}}",
        "{commune: {before: 2020-10-25}, district: {before: 2020-10-25}}",
    )
    codes = {p.code for p in _problems(folder)}
    assert {"missing-file", "unknown-block"} <= codes


def test_problems_render_parsable_and_friendly(tmp_path):
    folder = copy_pack(tmp_path)
    edit(folder / "criteria/commune.yaml", "if has_portal then 5 else 0", "if has_portal then 5")
    with pytest.raises(PackError) as info:
        load_pack_dir(folder)
    error = info.value
    rendered = error.render()
    assert "commune.yaml:" in rendered and "^" in rendered
    assert error.problems[0].parsable().count(":") >= 3

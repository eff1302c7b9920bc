"""A pack's tie-break chain and level gates, declared in YAML, applied and explained."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import criteria_engine as ce
from criteria_engine.evaluation.explain import explain_unit
from criteria_engine.model.problems import PackError

from .helpers import MINIPACK, copy_pack, edit

EXAMPLE = MINIPACK / "examples" / "commune.json"
CHAIN = """ranking:
  ties: shared
  within_parent: true
  tie_break:
    - {by: 'score("1.1")', label: điểm tiêu chí 1.1 cao hơn}
    - {by: 'score("5")', prefer: lower, label: trừ điểm ít hơn}
"""
GATE = """self_assessment: {reasons: below_max}
level_gates:
  - {when: 'score("1.2") < 5', at_most: Khá, title: Trang thông tin điện tử là bắt buộc}
"""


def _pack(tmp_path: Path, *, gate: str = GATE, chain: str = CHAIN):
    folder = copy_pack(tmp_path)
    edit(folder / "pack.yaml", "ranking: {ties: shared, within_parent: true}\n", chain)
    edit(folder / "criteria" / "commune.yaml", "self_assessment: {reasons: below_max}\n", gate)
    return folder, ce.load_pack(str(folder))


def _units() -> list[dict]:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return [{**u, "period": data["period"]} for u in data["units"]]


def _variant(base: dict, uid: str, name: str, **inputs) -> dict:
    return {**base, "id": uid, "name": name, "inputs": {**base["inputs"], **inputs}}


def test_the_chain_is_read_from_pack_yaml(tmp_path):
    _, pack = _pack(tmp_path)
    steps = pack.ranking.tie_break
    assert [(s.text, s.prefer, s.label) for s in steps] == [
        ('score("1.1")', "higher", "điểm tiêu chí 1.1 cao hơn"),
        ('score("5")', "lower", "trừ điểm ít hơn"),
    ]
    assert len(pack.block("commune").tie_break) == 2  # compiled for the block


def test_a_bare_formula_is_a_higher_first_step(tmp_path):
    _, pack = _pack(tmp_path, chain="ranking: {tie_break: ['score(\"3\")']}\n")
    (step,) = pack.ranking.tie_break
    assert (step.text, step.prefer, step.label) == ('score("3")', "higher", None)


def _tied_batch(pack, folder: Path) -> tuple[ce.BatchOutcome, Path]:
    """xa-b; xa-d, its copy; xa-e, equal to both once published (53.00) but 4.9975 on 1.1."""
    xa_b = _units()[1]
    units = [
        xa_b,
        _variant(xa_b, "xa-d", "Xã Đông"),
        _variant(xa_b, "xa-e", "Xã Én", docs_total=2001, docs_electronic=1000),
    ]
    path = folder / "tied.json"
    path.write_text(json.dumps({"period": "2020", "units": units}), encoding="utf-8")
    return ce.run_batch(pack, [path]), path


def test_the_chain_orders_a_tie_and_each_unit_says_which_step(tmp_path):
    folder, pack = _pack(tmp_path)
    outcome, _ = _tied_batch(pack, folder)
    rows = {s.unit_id: s for s in outcome.tables["commune"]}
    assert {s.published_percent for s in rows.values()} == {53}
    assert rows["xa-e"].total != rows["xa-b"].total
    assert (rows["xa-b"].rank, rows["xa-d"].rank, rows["xa-e"].rank) == (1, 1, 3)
    assert rows["xa-e"].tie_step == "điểm tiêu chí 1.1 cao hơn"
    assert rows["xa-b"].tie_step is None and set(rows["xa-b"].tied_with) == {"xa-d", "xa-e"}


def test_the_explanation_names_the_step_and_the_shared_rank(tmp_path):
    folder, pack = _pack(tmp_path)
    _, path = _tied_batch(pack, folder)
    settled = explain_unit(pack, [path], "xa-e")
    assert "Xếp hạng: 3 (theo tỷ lệ %)" in settled
    assert "phân định nhờ: điểm tiêu chí 1.1 cao hơn" in settled
    shared = explain_unit(pack, [path], "xa-b")
    assert "Xếp hạng: 1 (theo tỷ lệ %); bằng tỷ lệ % với xa-d, xa-e; đồng hạng" in shared


def test_the_ranking_table_notes_the_chain_and_the_deciding_step(tmp_path):
    from criteria_engine.reports import ReportContext
    from criteria_engine.reports.standard import ranking_tables

    folder, pack = _pack(tmp_path)
    outcome, _ = _tied_batch(pack, folder)
    (table,) = ranking_tables(ReportContext(pack, outcome))
    assert "1. điểm tiêu chí 1.1 cao hơn; 2. trừ điểm ít hơn" in table.note
    notes = {row[1]: row[-1] for row in table.rows}
    assert notes["Xã Én"] == "hơn đơn vị cùng điểm nhờ: điểm tiêu chí 1.1 cao hơn"
    assert notes["Xã Bình"] == ""


def test_a_gate_caps_the_level_and_says_so(tmp_path):
    folder, pack = _pack(tmp_path)
    no_portal = _variant(_units()[0], "xa-a", "Xã An", has_portal=False)
    result = ce.evaluate(pack, no_portal)
    assert result.percent >= Decimal("0.85")
    assert result.level == "Khá"
    (finding,) = [f for f in result.findings if f.code == "level-gate"]
    assert finding.message == (
        "level capped at Khá (from Tốt): Trang thông tin điện tử là bắt buộc"
    )
    path = folder / "gate.json"
    path.write_text(json.dumps({"period": "2020", "units": [no_portal]}), encoding="utf-8")
    assert "lưu ý: level capped at Khá (from Tốt)" in explain_unit(pack, [path], "xa-a")


def test_a_gate_never_raises_a_level_nor_touches_a_unit_that_passes(tmp_path):
    _, pack = _pack(tmp_path)
    weak = ce.evaluate(pack, _units()[1])  # no portal, but already Trung bình
    assert weak.level == "Trung bình" and not [f for f in weak.findings if f.code == "level-gate"]
    full = ce.evaluate(pack, _units()[0])  # has the portal
    assert full.level == "Tốt" and not [f for f in full.findings if f.code == "level-gate"]


def test_without_the_gate_the_unit_is_tot(tmp_path):
    _, pack = _pack(tmp_path, gate="self_assessment: {reasons: below_max}\n")
    no_portal = _variant(_units()[0], "xa-a", "Xã An", has_portal=False)
    assert ce.evaluate(pack, no_portal).level == "Tốt"


def test_a_gate_must_cap_at_a_level_of_the_pack(tmp_path):
    with pytest.raises(PackError) as caught:
        _pack(tmp_path, gate=GATE.replace("at_most: Khá", "at_most: Xuất sắc"))
    assert "caps at 'Xuất sắc', which is not a level of this pack" in caught.value.render()


def test_a_gate_condition_is_checked_like_any_formula(tmp_path):
    with pytest.raises(PackError) as caught:
        _pack(tmp_path, gate=GATE.replace('score("1.2") < 5', "no_such_input < 5"))
    assert "no_such_input" in caught.value.render()


def test_a_gate_at_the_unit_s_own_level_says_nothing(tmp_path):
    _, pack = _pack(tmp_path)
    kha = _variant(_units()[0], "xa-a", "Xã An", has_portal=False, head_role="Khác")
    result = ce.evaluate(pack, kha)
    assert result.level == "Khá"
    assert not [f for f in result.findings if f.code == "level-gate"]

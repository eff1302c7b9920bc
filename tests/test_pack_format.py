"""Pack format: what a pack may leave out or name freely, and every problem in one pass."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

import pytest

import criteria_engine as ce
from criteria_engine.reports import available_reports
from criteria_engine.testing.packtools import PackCopy

from .helpers import MINIPACK, run_cli

LEVELS = """levels:
  - {name: Tốt, when: "percent >= 85%"}
  - {name: Khá, when: "percent >= 70%"}
  - {name: Trung bình, when: "percent >= 50%"}
  - {name: Yếu, when: "true"}
"""


@pytest.fixture
def copy(tmp_path: Path) -> PackCopy:
    return PackCopy(MINIPACK, tmp_path)


def test_a_pack_without_levels_ranks_and_gives_no_level(copy: PackCopy) -> None:
    copy.edit("pack.yaml", LEVELS, "")
    pack = copy.load()
    assert pack.levels == ()
    examples = sorted((copy.folder / "examples").rglob("*.json"))
    outcome = ce.run_batch(pack, examples)
    ranked = [s for rows in outcome.tables.values() for s in rows if s.status == ce.RANKED]
    assert ranked and all(s.level is None for s in ranked)
    assert sorted(s.rank for s in ranked if s.block == ranked[0].block)[0] == 1


def test_a_block_may_rank_provinces(copy: PackCopy) -> None:
    copy.edit("criteria/commune.yaml", "unit_kind: commune", "unit_kind: province")
    pack = copy.load()
    assert pack.blocks[0].unit_kind == "province"


def test_a_unit_kind_is_one_lower_case_word(copy: PackCopy) -> None:
    copy.edit("criteria/commune.yaml", "unit_kind: commune", "unit_kind: Xã phường")
    with pytest.raises(ce.PackError) as info:
        copy.load()
    assert any(p.path and "unit_kind" in str(p.path) for p in info.value.problems) or (
        "unit_kind" in info.value.render()
    )


def test_every_problem_of_a_pack_is_reported_in_one_pass(copy: PackCopy) -> None:
    copy.edit("criteria/commune.yaml", "unit_kind: commune", "unit_kind: 42")
    copy.edit("pack.yaml", '{name: Khá, when: "percent >= 70%"}', '{name: Khá, when: "percent >="}')
    with pytest.raises(ce.PackError) as info:
        copy.load()
    files = {p.file.split("/")[-1] for p in info.value.problems}
    assert {"pack.yaml", "commune.yaml"} <= files, info.value.render()


def test_packs_load_from_several_threads_at_once() -> None:
    errors: list[BaseException] = []
    packs: list[ce.Pack] = []
    start = threading.Barrier(4)

    def load() -> None:
        start.wait()
        try:
            packs.append(ce.load_pack("kontum"))
        except BaseException as exc:  # any failure counts against the test
            errors.append(exc)

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(packs) == 4
    assert any(r.name == "home-affairs" for r in available_reports(packs[0]))


def test_show_prints_maxima_with_the_packs_places() -> None:
    done = run_cli("show", "hungyen", "--block", "department")
    assert done.returncode == 0, done.stderr
    assert "(tối đa 500.00)" in done.stdout


def test_the_tie_rules_a_pack_may_name_are_the_rankings_table() -> None:
    import json

    from criteria_engine.ranking.order import TIE_RULES

    schema = json.loads(
        (MINIPACK.parents[2] / "src/criteria_engine/loading/schemas/pack.schema.json").read_text()
    )
    ties = schema["properties"]["ranking"]["properties"]["ties"]["enum"]
    assert sorted(ties) == sorted(TIE_RULES)
    best_first = [(Decimal(3),), (Decimal(2),), (Decimal(2),), (Decimal(1),)]
    assert TIE_RULES["shared"](best_first) == [1, 2, 2, 4]
    assert TIE_RULES["dense"](best_first) == [1, 2, 2, 3]

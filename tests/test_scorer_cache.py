"""The generated block scorer (formulas inline) and the on-disk cache of compiled packs."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

import criteria_engine as ce
from criteria_engine.dsl import DslEvaluationError, codecache
from criteria_engine.evaluation.scorer import BlockScorer, block_scorer
from criteria_engine.evaluation.unit import aggregates_of
from criteria_engine.loading.cache import load_cached, pack_key
from criteria_engine.loading.pack_dir import load_pack_dir

from .helpers import MINIPACK

ROOT = Path(__file__).resolve().parents[1]


def _submissions(pack: ce.Pack, folder: Path) -> list[ce.Submission]:
    records = ce.read_records(sorted(folder.glob("*.json")))
    return [u for u in ce.check_units(pack, records) if isinstance(u, ce.Submission)]


@pytest.mark.parametrize("name", ["hungyen", "backan", "kontum"])
def test_inline_scorer_agrees_with_calling_each_formula(name: str) -> None:
    pack = ce.load_pack(name)
    folder = next(p for p in sorted((pack.path / "examples").iterdir()) if p.name[:1].isdigit())
    units = _submissions(pack, folder)
    assert units
    for block in pack.blocks:
        mine = [u for u in units if u.block == block.id]
        aggregates = aggregates_of(block, mine)
        scorer = block_scorer(block)
        for unit in mine:
            fast = scorer.with_totals(dict(unit.values), aggregates)
            checked = scorer._checked_path(dict(unit.values), aggregates)
            assert fast == checked
            assert [str(v) for v in fast[0].values()] == [str(v) for v in checked[0].values()]


def test_a_failing_formula_is_named_by_its_own_error() -> None:
    pack = load_pack_dir(MINIPACK)
    block = pack.blocks[0]
    unit = _submissions(pack, MINIPACK / "examples")[0]
    values = dict(unit.values)
    del values["docs_total"]
    with pytest.raises(DslEvaluationError, match="docs_total"):
        BlockScorer(block)(values, aggregates_of(block, [unit]))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CRITERIA_ENGINE_CACHE", str(folder))
    return folder


def _totals(pack: ce.Pack) -> list[Decimal]:
    records = ce.read_records([MINIPACK / "examples" / "commune.json"])
    return [r.total for r in ce.evaluate_many(pack, records) if isinstance(r, ce.UnitResult)]


def _outline(pack: ce.Pack) -> list[tuple]:
    """Every criterion with its maximum, formula and condition (formulas compare by text)."""
    return [
        (b.id, c.id, c.max, c.formula and c.formula.text, c.applies and c.applies.text)
        for b in pack.blocks
        for c in b.all_criteria()
    ]


def test_a_cached_pack_is_the_pack_it_was_built_as(cache: Path, tmp_path: Path) -> None:
    folder = tmp_path / "minipack"
    shutil.copytree(MINIPACK, folder)
    built = load_cached(folder, load_pack_dir)
    assert len(list((cache / "packs").iterdir())) == 1
    calls: list[Path] = []

    def never(path: Path) -> ce.Pack:
        calls.append(path)
        return load_pack_dir(path)

    restored = load_cached(folder, never)
    assert not calls  # taken from the cache, not loaded again
    assert _outline(restored) == _outline(built)
    assert _totals(restored) == _totals(built)
    formula = restored.blocks[0].order[0].formula
    assert formula is not None and formula.python_source


def test_a_changed_file_or_a_damaged_entry_is_never_used(cache: Path, tmp_path: Path) -> None:
    folder = tmp_path / "minipack"
    shutil.copytree(MINIPACK, folder)
    load_cached(folder, load_pack_dir)
    key = pack_key(folder)
    (entry,) = (cache / "packs").iterdir()
    entry.write_bytes(entry.read_bytes()[:-1] + b"!")  # one byte altered
    assert codecache.read("packs", key) is None
    calls: list[Path] = []
    load_cached(folder, lambda path: calls.append(path) or load_pack_dir(path))
    assert calls  # rebuilt
    block_file = folder / "criteria" / "commune.yaml"
    block_file.write_text(block_file.read_text("utf-8") + "\n# edited\n", "utf-8")
    assert pack_key(folder) != key


def test_no_cache_when_turned_off_or_not_writable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRITERIA_ENGINE_CACHE", "off")
    assert codecache.cache_dir() is None
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("CRITERIA_ENGINE_CACHE", str(blocked))
    codecache.write("packs", "0" * 64, b"payload")  # cannot write: silently skipped
    assert codecache.read("packs", "0" * 64) is None
    assert _totals(load_cached(MINIPACK, load_pack_dir)) == _totals(load_pack_dir(MINIPACK))

"""Run one case as a batch and compare every expectation with what the engine gave.

Figures are compared as the pack publishes them: an expected ``126.4`` holds for an exact
total of 126.395 when the pack rounds to two places half up, because that is the figure
the published table shows. Writing more decimals than the pack publishes compares the
exact value instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..inputs.records import Record, SubmissionError
from ..inputs.types import input_type
from ..loading.finder import PackNotFound, PackRef, in_force, load_pack, pack_ref, versions
from ._describe import number
from .cases import (
    Case,
    CaseResult,
    Mismatch,
    case_files,
    case_records,
    expand_paths,
    figure,
    load_cases,
)

if TYPE_CHECKING:
    from ..evaluation.batch import BatchOutcome
    from ..model.pack import Input, Pack
    from ..model.results import CriterionResult, Standing, UnitResult


def _versions_near(folder: Path) -> list[PackRef]:
    """The pack in ``folder`` and its other versions: folders beside it, then installed."""
    own = pack_ref(folder)
    if own is None:
        return []
    near = [folder, *(p for p in sorted(folder.iterdir()) if (p / "pack.yaml").is_file())]
    if (folder.parent / "pack.yaml").is_file():
        near.append(folder.parent)
    refs = [r for r in map(pack_ref, near) if r is not None and r.name == own.name]
    labels = {r.label for r in refs}
    refs += [r for r in versions(own.name) if r.label not in labels]
    return sorted(refs, key=lambda r: r.effective or dt.date.min)


def pack_for(folder: Path, period: str | None) -> Pack:
    """The pack a case runs against: the folder's own, or the version in force in ``period``."""
    if period is None:
        return load_pack(folder)
    ref = in_force(_versions_near(folder), period)
    if ref is None:
        raise PackNotFound(f"no version of the pack in {folder} was in force in {period}")
    return load_pack(ref.path)


def _same(expected: Any, exact: Decimal | None, pack: Pack) -> bool:
    from ..evaluation.unit import round_published

    want = figure(expected)
    if want is None or exact is None:
        return want is None and exact is None
    if -want.as_tuple().exponent > pack.rounding.places:  # type: ignore[operator]
        return exact == want
    return round_published(pack, exact) == round_published(pack, want)


def _value_text(spec: Input | None, value: Any) -> str:
    """An input's value as the unit wrote it (a percent as 85%)."""
    if spec is not None and isinstance(value, Decimal):
        kind = input_type(spec)
        return number(kind.in_units(value)) + kind.mark
    return number(value)


def _criterion_detail(pack: Pack, block_id: str, got: CriterionResult) -> tuple[str, ...]:
    block = pack.block(block_id)
    lines = []
    if got.formula:
        lines.append(f"formula: {got.formula}")
    elif got.children:
        parts = ", ".join(f"{c.id} = {number(c.score)}" for c in got.children)
        lines.append(f"sum of its children: {parts}")
    if got.inputs:
        shown = ", ".join(
            f"{name} = {_value_text(block.inputs.get(name), v)}" for name, v in got.inputs.items()
        )
        lines.append(f"inputs: {shown}")
    if got.capped or got.floored:
        lines.append(f"the formula gave {number(got.raw)}, held to {number(got.score)}")
    return tuple(lines)


def _scores(case: Case, pack: Pack, result: UnitResult) -> list[Mismatch]:
    out = []
    found = {c.id: c for c in result.all_criteria()}
    for cid, want in (case.output or {}).get("scores", {}).items():
        line = case.line("output", "scores", cid)
        got = found.get(str(cid))
        if got is None:
            out.append(Mismatch(f"criterion {cid}", want, "no such criterion in this block", line))
            continue
        label = f"criterion {got.id} {got.title} (max {number(got.max)})"
        if want is None or got.score is None:
            if want is not got.score:
                shown = "not applicable" if got.score is None else number(got.score)
                expected = "not applicable" if want is None else want
                out.append(
                    Mismatch(
                        label, expected, shown, line, _criterion_detail(pack, result.block, got)
                    )
                )
            continue
        if not _same(want, got.score, pack):
            out.append(
                Mismatch(
                    label, want, number(got.score), line, _criterion_detail(pack, result.block, got)
                )
            )
    return out


def _findings(case: Case, result: UnitResult) -> list[Mismatch]:
    wanted = (case.output or {}).get("findings")
    if wanted is None:
        return []
    expected = set()
    for item in wanted:
        if isinstance(item, Mapping):
            expected.add((str(item.get("code")), item.get("criterion")))
        else:
            expected.add((str(item), None))
    got = {(f.code, f.criterion) for f in result.findings}
    got_codes = {(code, None) for code, _ in got}
    missing = {e for e in expected if e not in got and e not in got_codes}
    extra = {code for code, _ in got} - {code for code, _ in expected}
    if not missing and not extra:
        return []
    shown = sorted(f"{c}" + (f" ({k})" if k else "") for c, k in got) or ["none"]
    detail = tuple(f"{f.code}: {f.message}" for f in result.findings)
    return [
        Mismatch(
            "findings", list(wanted), ", ".join(shown), case.line("output", "findings"), detail
        )
    ]


def _ahead(pack: Pack, table: list[Standing], standing: Standing) -> tuple[str, ...]:
    """The units ranked at or above ``standing``, each with its total (and its percent
    when the block ranks on the percent)."""
    ranked = [s for s in table if s.rank is not None and s.unit_id != standing.unit_id]
    on_percent = pack.rank_measure(pack.block(standing.block)) == "percent"

    def figure(s: Standing) -> str:
        total = number(s.published_total)
        return f"{total}, {number(s.published_percent)} %" if on_percent else total

    lines = [
        f"rank {s.rank}: {s.unit_id} ({figure(s)})"
        for s in ranked
        if standing.rank is None or s.rank <= standing.rank
    ]
    return tuple(lines[-3:])


def _standing_checks(
    case: Case, pack: Pack, table: list[Standing], standing: Standing | None
) -> list[Mismatch]:
    output = case.output or {}
    out = []
    status = standing.status if standing else "none"
    if "status" in output and status != output["status"]:
        out.append(Mismatch("status", output["status"], status, case.line("output", "status")))
    rank = standing.rank if standing else None
    if "rank" in output and rank != output["rank"]:
        got = rank if rank is not None else f"no rank ({status})"
        detail = _ahead(pack, table, standing) if standing else ()
        out.append(Mismatch("rank", output["rank"], got, case.line("output", "rank"), detail))
    in_parent = standing.rank_in_parent if standing else None
    if "rank_in_parent" in output and in_parent != output["rank_in_parent"]:
        parent = standing.parent if standing else None
        out.append(
            Mismatch(
                f"rank among the units of {parent or 'its parent'}",
                output["rank_in_parent"],
                in_parent if in_parent is not None else "no rank",
                case.line("output", "rank_in_parent"),
            )
        )
    return out


def _result_checks(case: Case, pack: Pack, result: UnitResult) -> list[Mismatch]:
    output = case.output or {}
    share = f"{number(result.percent * 100)} % of {number(result.max_total)}"
    groups = ", ".join(
        f"{c.id} = {number(c.score) if c.score is not None else '-'}" for c in result.criteria
    )
    figures = (
        ("total", result.total, f"{number(result.total)} ({share})", (f"groups: {groups}",)),
        ("max_total", result.max_total, number(result.max_total), ()),
        ("percent", result.percent * 100, number(result.percent * 100), ()),
    )
    out = [
        Mismatch(key, output[key], shown, case.line("output", key), detail)
        for key, exact, shown, detail in figures
        if key in output and not _same(output[key], exact, pack)
    ]
    if "level" in output and result.level != output["level"]:
        got = f"{result.level} (total {number(result.total)}, {share})"
        out.append(Mismatch("level", output["level"], got, case.line("output", "level")))
    return out + _scores(case, pack, result) + _findings(case, result)


def _compare(
    case: Case, pack: Pack, outcome: BatchOutcome, results: dict[str, UnitResult], unit: str
) -> list[Mismatch]:
    table = next(
        (rows for rows in outcome.tables.values() if any(s.unit_id == unit for s in rows)), []
    )
    standing = next((s for s in table if s.unit_id == unit), None)
    if standing is None:  # an interim update is kept apart from the ranked tables
        standing = next((s for s in outcome.interim if s.unit_id == unit), None)
    result = results.get(unit)
    if standing is None and result is None:
        return [Mismatch("unit", unit, "no such unit in the case", case.line("output", "unit"))]
    out = _standing_checks(case, pack, table, standing)
    return out if result is None else out + _result_checks(case, pack, result)


def _error_matches(want: Mapping[str, Any], error: SubmissionError) -> bool:
    if want.get("unit") is not None and error.unit != str(want["unit"]):
        return False
    field = want.get("field")
    if field is not None:
        got = error.field or ""
        if got != field and not got.endswith("." + str(field)):
            return False
    message = want.get("message")
    return message is None or str(message).lower() in error.message.lower()


def _subject(pack: Pack, results: dict[str, UnitResult], unit: str | None) -> str | None:
    result = results.get(unit or "")
    if result is None:
        return f"pack {pack.label}"
    return f"unit {unit} {result.name!r} (block {result.block}, pack {pack.label})"


#: Batches of example files already run, so that several cases about one round of
#: examples evaluate it once: ``(pack folder, files and their mtimes) -> outcome``.
_BATCHES: dict[tuple[Any, ...], tuple[BatchOutcome, dict[str, UnitResult]]] = {}
_KEEP_BATCHES = 8


def _batch(
    case: Case, pack: Pack, records: list[Record]
) -> tuple[BatchOutcome, dict[str, UnitResult]]:
    from ..evaluation.batch import run_batch

    key = None
    if case.input is None:
        files = tuple(
            (str(p), p.stat().st_mtime_ns) for p in expand_paths(case.files) if p.exists()
        )
        key = (str(pack.path.resolve()), files)
        if key in _BATCHES:
            return _BATCHES[key]
    results: dict[str, UnitResult] = {}

    def keep(result: UnitResult) -> None:
        if result.stage == "year" or result.unit_id not in results:
            results[result.unit_id] = result

    outcome = run_batch(pack, units=records, on_result=keep)
    if key is not None:
        if len(_BATCHES) >= _KEEP_BATCHES:
            _BATCHES.pop(next(iter(_BATCHES)))
        _BATCHES[key] = (outcome, results)
    return outcome, results


def run_case(case: Case) -> CaseResult:
    """Run one case and compare what came out with what it expects."""
    if case.problems:
        return CaseResult(
            case,
            tuple(Mismatch("case", "a well-formed case", p, case.line()) for p in case.problems),
        )
    items = list(case_records(case))
    records = [r for r in items if isinstance(r, Record)]
    unit_ids = list(
        dict.fromkeys(
            str(r.data.get("id")) for r in records if r.data.get("stage", "year") == "year"
        )
    )
    period = next((str(r.data["period"]) for r in records if r.data.get("period")), None)
    unit = (case.output or case.error or {}).get("unit")
    errors = [r for r in items if isinstance(r, SubmissionError)]
    try:
        pack = pack_for(case.pack_folder, period)
    except PackNotFound as exc:
        pack = None
        errors.append(
            SubmissionError(
                str(case.file), str(exc), unit or (unit_ids[0] if unit_ids else None), "period"
            )
        )
    results: dict[str, UnitResult] = {}
    outcome = None
    if pack is not None:
        outcome, results = _batch(case, pack, records)
        errors += outcome.errors
    if case.error is not None:
        if any(_error_matches(case.error, e) for e in errors):
            return CaseResult(case, subject=f"pack {pack.label}" if pack else None)
        got = "; ".join(e.render() for e in errors) or "the units were accepted"
        if not errors and unit in results:
            got += f" (unit {unit} scored {number(results[unit].total)})"
        want = ", ".join(f"{k} {v!r}" for k, v in case.error.items())
        return CaseResult(case, (Mismatch("error", want, got, case.line("error")),))
    if errors:
        return CaseResult(
            case,
            tuple(
                Mismatch("input", "every unit accepted", e.render(), case.line("input"))
                for e in errors
            ),
        )
    if unit is None and len(unit_ids) != 1:
        got = f"{len(unit_ids)} units in the case; name one with `unit:`"
        which = Mismatch("output.unit", "the unit the output is about", got, case.line("output"))
        return CaseResult(case, (which,))
    unit = unit if unit is not None else unit_ids[0]
    assert pack is not None and outcome is not None
    return CaseResult(
        case,
        tuple(_compare(case, pack, outcome, results, str(unit))),
        _subject(pack, results, str(unit)),
    )


def run_pack_cases(pack: Pack | str | Path) -> list[CaseResult]:
    """Run every case of a pack (a loaded pack, a name or a folder), in file order."""
    if isinstance(pack, str | Path) and not (Path(pack) / "pack.yaml").is_file():
        from ..loading.finder import find

        folder = find(str(pack))
    else:
        folder = pack if isinstance(pack, Path | str) else pack.path
    results = []
    for path in case_files(folder):
        results += [run_case(case) for case in load_cases(path)]
    return results

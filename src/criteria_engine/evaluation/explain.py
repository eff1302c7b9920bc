"""Explain a unit's score in its own terms: each criterion's formula, inputs and steps."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

from ..dsl import trace
from ..inputs.records import Submission, read_records
from ..model.pack import Block, Pack
from ..model.results import STATUS_LABELS, CriterionResult, Standing
from .batch import block_aggregates, check_units, run_batch
from .rounding import cell
from .unit import evaluate_submission


def _num(value: object) -> object:
    """A value for reading: long decimals cut to 6 places, marked with an ellipsis."""
    if isinstance(value, Decimal) and value.as_tuple().exponent < -6:
        return f"{value.quantize(Decimal('0.000001'), rounding=ROUND_DOWN)}…"
    return cell(value)


def _lines(
    block: Block, result: CriterionResult, values, scores, aggregates, depth: int
) -> list[str]:
    pad = "  " * depth
    score = (
        "không áp dụng" if result.score is None else f"{_num(result.score)} / {cell(result.max)}"
    )
    out = [f"{pad}{result.id}. {result.title}: {score}"]
    crit = block.criterion(result.id)
    if result.applies and crit.formula is not None:
        out.append(f"{pad}   công thức: {crit.formula.text}")
        if result.inputs:
            used = ", ".join(f"{k} = {cell(v)}" for k, v in result.inputs.items())
            out.append(f"{pad}   số liệu: {used}")
        values = {**values, "max_points": crit.max}
        for step in trace(crit.formula.node, values, scores, aggregates):
            if step.text not in values:  # the inputs are listed once, above
                out.append(f"{pad}     {step.text} = {_num(step.value)}")
    elif result.applies and result.children:
        out.append(f"{pad}   = tổng các tiêu chí con")
    elif not result.applies and crit.applies is not None:
        out.append(
            f"{pad}   không áp dụng vì: {crit.applies.text} là sai; điểm tối đa giảm tương ứng"
        )
    if result.capped:
        out.append(f"{pad}   giới hạn ở điểm tối đa {cell(crit.max)} (tính ra {cell(result.raw)})")
    if result.floored:
        out.append(f"{pad}   nâng lên điểm sàn {cell(crit.floor)} (tính ra {cell(result.raw)})")
    if result.self_score is not None:
        out.append(
            f"{pad}   tự chấm: {cell(result.self_score)}"
            + (f" — giải trình: {result.reason}" if result.reason else "")
        )
    if result.declared is not None and result.declared != result.score:
        out.append(
            f"{pad}   theo số liệu kê khai: {cell(result.declared)}; sau thẩm định: "
            f"{cell(result.score)}"
        )
    for child in result.children:
        out += _lines(block, child, values, scores, aggregates, depth + 1)
    return out


def rank_line(pack: Pack, block: Block, standing: Standing) -> str:
    """The unit's place: its rank and what it compares, with whom it tied on that and
    which step of the tie-break chain settled the tie (or that the rank is shared)."""
    measure = "tỷ lệ %" if pack.rank_measure(block) == "percent" else "tổng điểm"
    if standing.rank is None:
        return f"Xếp hạng: không xếp hạng ({STATUS_LABELS[standing.status]})"
    line = f"Xếp hạng: {standing.rank} (theo {measure})"
    if standing.tied_with:
        line += f"; bằng {measure} với {', '.join(standing.tied_with)}"
        if standing.tie_step:
            line += f"; phân định nhờ: {standing.tie_step}"
        else:
            line += "; đồng hạng"
    return line


def explain_unit(
    pack: Pack, files: Iterable[str | Path], unit_id: str, criterion_id: str | None = None
) -> str:
    """A readable account of how ``unit_id`` got its score (block aggregates from ``files``)."""
    units = [u for u in check_units(pack, read_records(files)) if isinstance(u, Submission)]
    target = next((u for u in units if u.id == unit_id), None)
    if target is None:
        raise LookupError(f"no valid unit {unit_id!r} in the files given")
    block = pack.block(target.block)
    aggregates = block_aggregates(pack, units)[block.id]
    result = evaluate_submission(pack, target, aggregates)
    scores = {c.id: c.score or 0 for c in result.all_criteria()}
    tops = list(result.criteria)
    if criterion_id:
        tops = [c for c in result.all_criteria() if c.id == criterion_id]
        if not tops:
            raise LookupError(f"no criterion {criterion_id!r} in block {block.id!r}")
    lines = [f"{result.name} ({result.unit_id}) — {block.title}"]
    for top in tops:
        lines += _lines(block, top, target.values, scores, aggregates, 0)
    lines.append(
        f"Tổng: {cell(result.published_total)} / {cell(result.max_total)} "
        f"= {cell(result.published_percent)}% → mức {result.level or '—'}"
    )
    if target.stage == "year":
        tables = run_batch(pack, units=[u for u in units if u.block == block.id]).tables
        standing = next((s for s in tables[block.id] if s.unit_id == target.id), None)
        if standing is not None:
            lines.append(rank_line(pack, block, standing))
    for finding in result.findings:
        where = f" [{finding.criterion}]" if finding.criterion else ""
        lines.append(f"lưu ý{where}: {finding.message}")
    return "\n".join(lines)

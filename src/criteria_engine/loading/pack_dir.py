"""Load a pack folder into the immutable model, reporting every problem at once.

Loading reads ``pack.yaml``, each block file and the optional roster; validates each
against its JSON Schema; compiles every formula (so a wrong one is refused now, never
half-way through a batch); then checks what a schema cannot: ids, maxima adding up,
undeclared names, cycles between criteria and levels covering 0–100 %. All problems are
collected and raised together as one :class:`~criteria_engine.problems.PackError`.
"""

from __future__ import annotations

import graphlib
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..dsl import Scope, Type, find_cycle
from ..model import pack as m
from ..model.problems import PackError, Problem
from . import rules
from .formulas import compile_at
from .schema import schema_problems
from .yaml_reader import YamlDocument, read_yaml_file

LEVEL_NAMES = {"percent": Type.NUMBER, "total": Type.NUMBER, "max_total": Type.NUMBER}


def load_pack_dir(folder: str | Path) -> m.Pack:
    """Load the pack in ``folder``; raise :class:`PackError` listing every problem."""
    folder = Path(folder)
    problems: list[Problem] = []
    doc = _read(folder, "pack.yaml", problems)
    if doc is None:
        raise PackError(problems, pack=str(folder))
    problems += schema_problems(doc, "pack")
    if problems:
        raise PackError(problems, pack=str(folder))
    data = doc.data
    blocks = []
    for i, rel in enumerate(data["blocks"]):
        if not (folder / rel).is_file():
            problems.append(doc.problem(("blocks", i), "missing-file", f"no block file {rel!r}"))
            continue
        block_doc = _read(folder, rel, problems)
        if block_doc is None:
            continue
        found = schema_problems(block_doc, "block")
        problems += found
        if not found:
            blocks.append(_block(block_doc, data, problems))
    ids = [b.id for b in blocks]
    for i, block_id in enumerate(ids):
        if block_id in ids[:i]:
            problems.append(
                Problem(
                    "duplicate-id",
                    f"two block files declare block {block_id!r}",
                    file=blocks[i].file,
                )
            )
    roster = _roster(folder, {b.id for b in blocks}, problems)
    levels = _levels(doc, problems)
    problems += rules.gate_problems(blocks, [level.name for level in levels])
    pack = m.Pack(
        name=data["name"],
        title=data["title"],
        province=data["province"],
        decision=_decision(data["decision"]),
        blocks=tuple(blocks),
        levels=tuple(levels),
        ranking=rules.ranking(data.get("ranking", {})),
        rounding=m.Rounding(
            **{k: (int(v) if k == "places" else v) for k, v in data.get("rounding", {}).items()}
        ),
        path=folder,
        version=None if data.get("version") is None else str(data["version"]),
        description=data.get("description"),
        levels_on=data.get("levels_on", "exact"),
        calendar=rules.calendar(doc, {b.id for b in blocks}, problems),
        excluded=tuple(m.ExcludedUnit(**e) for e in data.get("excluded", [])),
        renamed_units=dict(data.get("renamed_units", {})),
        reports=tuple(data.get("reports", ())),
        roster=tuple(roster),
        related=tuple(data.get("related", ())),
        plugin=data.get("plugin"),
    )
    if pack.plugin and not (folder / pack.plugin).is_file():
        problems.append(doc.problem(("plugin",), "missing-file", f"no plugin file {pack.plugin!r}"))
    if problems:
        raise PackError(problems, pack=pack.name)
    return pack


def _read(folder: Path, rel: str, problems: list[Problem]) -> YamlDocument | None:
    try:
        return read_yaml_file(str(folder / rel), display=str(folder / rel))
    except PackError as exc:
        problems.extend(exc.problems)
        return None


def _decision(raw: dict[str, Any]) -> m.Decision:
    return m.Decision(
        number=raw["number"],
        signed=raw["signed"],
        effective=raw.get("effective", raw["signed"]),
        signer=raw.get("signer"),
        replaces=raw.get("replaces"),
        source=raw.get("source"),
        title=raw.get("title"),
    )


def _levels(doc: YamlDocument, problems: list[Problem]) -> list[m.Level]:
    scope = Scope(names=LEVEL_NAMES)
    levels: list[m.Level] = []
    declared = doc.data.get("levels") or []  # a pack may rank without levels (the national DTI)
    for i, raw in enumerate(declared):
        formula = compile_at(
            doc,
            ("levels", i, "when"),
            raw["when"],
            scope,
            problems,
            expect=Type.BOOLEAN,
            origin=f"level {raw['name']}",
        )
        if formula is not None:
            levels.append(m.Level(name=raw["name"], when=formula))
    if levels and len(levels) == len(declared):
        gap = level_gap(levels)
        if gap is not None:
            problems.append(
                doc.problem(
                    ("levels",),
                    "level-gap",
                    f"no level applies to a unit at {gap * 100}%",
                    "end the scale with a level whose condition is `true`",
                )
            )
    return levels


def level_gap(levels: list[m.Level]) -> Decimal | None:
    """The first percent in 0–100 % (by 0.01 % steps) that no level covers, if any."""
    hundred = Decimal(100)
    for step in range(0, 10001):
        percent = Decimal(step).scaleb(-4)
        values = {"percent": percent, "total": percent * hundred, "max_total": hundred}
        if not any(level.when(values) for level in levels):
            return percent
    return None


def _input(
    name: str, raw: dict[str, Any], doc: YamlDocument, path: tuple, problems: list[Problem]
) -> m.Input:
    required = raw.get("required", True)
    kind = raw["type"]
    if m.INPUT_TYPES[kind].listed and not raw.get("choices"):
        problems.append(
            doc.problem(path, "choices", f"input {name!r} is a choice but lists no choices")
        )
    if not required and "default" not in raw:
        problems.append(
            doc.problem(
                path,
                "default",
                f"optional input {name!r} needs a default",
                "add `default:` or make it required",
            )
        )
    low, high = raw.get("min"), raw.get("max")
    if low is not None and high is not None and low > high:
        problems.append(doc.problem((*path, "min"), "bounds", f"min {low} is above max {high}"))
    return m.Input(
        name=name,
        label=raw["label"],
        type=kind,
        required=required,
        default=raw.get("default"),
        min=low,
        max=high,
        choices=tuple(raw.get("choices", ())),
        unit=raw.get("unit"),
        better=raw.get("better"),
        help=raw.get("help"),
    )


def _block(doc: YamlDocument, pack_data: dict[str, Any], problems: list[Problem]) -> m.Block:
    raw = doc.data
    inputs = {
        name: _input(name, spec, doc, ("inputs", name), problems)
        for name, spec in raw["inputs"].items()
    }
    all_ids: list[str] = []
    _collect_ids(raw["criteria"], all_ids)
    kinds = {n: m.INPUT_TYPES[i.type] for n, i in inputs.items()}
    names = {n: k.formula_type for n, k in kinds.items() if k.formula_type is not None}
    names["max_points"] = Type.NUMBER
    scope = Scope(
        names=names, criteria=all_ids, aggregatable=[n for n, i in inputs.items() if i.is_numeric]
    )
    seen: dict[str, tuple] = {}
    criteria = tuple(
        _criterion(c, doc, ("criteria", i), scope, seen, problems)
        for i, c in enumerate(raw["criteria"])
    )
    block = m.Block(
        id=raw["id"],
        title=raw["title"],
        unit_kind=raw["unit_kind"],
        inputs=inputs,
        criteria=criteria,
        annex=raw.get("annex"),
        description=raw.get("description"),
        total=raw.get("total"),
        period=m.Period(**raw["period"]) if raw.get("period") else None,
        reasons_below_max=(raw.get("self_assessment") or {}).get("reasons") == "below_max",
        tie_break=rules.tie_break_formulas(doc, pack_data, raw["id"], all_ids, problems),
        level_gates=rules.level_gates(doc, raw.get("level_gates", []), scope, problems),
        order=_evaluation_order(criteria, doc, seen, problems),
        file=doc.file,
    )
    if block.total is not None and block.total != block.max_total:
        problems.append(
            doc.problem(
                ("total",),
                "total",
                f"total is {block.total} but the top-level criteria add up to {block.max_total}",
            )
        )
    return block


def _collect_ids(raw_criteria: list[dict[str, Any]], out: list[str]) -> None:
    for raw in raw_criteria:
        out.append(str(raw["id"]))
        _collect_ids(raw.get("children", ()), out)


def _criterion(
    raw: dict[str, Any],
    doc: YamlDocument,
    path: tuple,
    scope: Scope,
    seen: dict[str, tuple],
    problems: list[Problem],
) -> m.Criterion:
    cid = raw["id"]
    if cid in seen:
        problems.append(
            doc.problem(
                (*path, "id"), "duplicate-id", f"criterion id {cid!r} is used twice in this block"
            )
        )
    seen[cid] = path
    children = tuple(
        _criterion(c, doc, (*path, "children", i), scope, seen, problems)
        for i, c in enumerate(raw.get("children", ()))
    )
    origin = f"criterion {cid}"
    formula = applies = None
    if "formula" in raw:
        formula = compile_at(
            doc, (*path, "formula"), raw["formula"], scope, problems, origin=origin
        )
    elif not children:
        problems.append(
            doc.problem(path, "no-formula", f"criterion {cid!r} has neither a formula nor children")
        )
    if "applies" in raw:
        applies = compile_at(
            doc,
            (*path, "applies"),
            raw["applies"],
            scope,
            problems,
            expect=Type.BOOLEAN,
            origin=f"{origin} (applies)",
        )
    kind = raw.get("kind", "normal")
    floor = raw.get("floor", Decimal(0))
    crit = m.Criterion(
        id=cid,
        title=raw["title"],
        max=raw["max"],
        formula=formula,
        children=children,
        floor=floor,
        kind=kind,
        cap=raw.get("cap", False),
        applies=applies,
        weight=Decimal(raw.get("weight", 1)),
        provenance=m.Provenance(
            **{k: str(v) for k, v in raw["provenance"].items() if k != "decision"}
        )
        if raw.get("provenance")
        else None,
        description=raw.get("description"),
        evidence=raw.get("evidence"),
    )
    _check_maxima(crit, doc, path, problems)
    return crit


def _check_maxima(
    crit: m.Criterion, doc: YamlDocument, path: tuple, problems: list[Problem]
) -> None:
    if crit.floor > crit.max:
        problems.append(
            doc.problem(
                (*path, "floor"),
                "floor",
                f"floor {crit.floor} of {crit.id!r} is above its max {crit.max}",
            )
        )
    if crit.kind == "deduction" and (crit.max != 0 or crit.floor >= 0):
        problems.append(
            doc.problem(
                path, "deduction", f"deduction {crit.id!r} needs max: 0 and a negative floor"
            )
        )
    if not crit.children:
        return
    for i, child in enumerate(crit.children):
        if child.max > crit.max:
            problems.append(
                doc.problem(
                    (*path, "children", i, "max"),
                    "child-max",
                    f"{child.id!r} has max {child.max}, more than its "
                    f"group {crit.id!r} ({crit.max})",
                )
            )
    parts = sum((c.max for c in crit.children if c.counts_in_max), Decimal(0))
    if crit.formula is None and not crit.cap and parts != crit.max:
        problems.append(
            doc.problem(
                (*path, "max"),
                "group-max",
                f"group {crit.id!r} has max {crit.max} but its children add up to {parts}",
                "fix the figures, or add `cap: true` for a capped sum",
            )
        )
    if crit.cap and parts < crit.max:
        problems.append(
            doc.problem(
                (*path, "max"),
                "group-max",
                f"capped group {crit.id!r} can never reach its max "
                f"{crit.max}: its children add up to {parts}",
            )
        )


def _evaluation_order(
    criteria: tuple[m.Criterion, ...],
    doc: YamlDocument,
    seen: dict[str, tuple],
    problems: list[Problem],
) -> tuple[m.Criterion, ...]:
    """Criteria in an order where each comes after everything it depends on.

    A group depends on its children; a formula on the criteria it names in ``score("…")``.
    A cycle is reported with its path and gives an empty order (the pack will not load).
    """
    by_id: dict[str, m.Criterion] = {}
    graph: dict[str, list[str]] = {}
    for top in criteria:
        for crit in top.walk():
            by_id[crit.id] = crit
            deps = [c.id for c in crit.children]
            for formula in (crit.formula, crit.applies):
                if formula is not None:
                    deps += [ref[0] for ref in formula.references]
            graph[crit.id] = deps
    cycle = find_cycle(graph)
    if cycle:
        problems.append(
            doc.problem(
                seen.get(cycle[0], ()),
                "cycle",
                "criteria depend on each other in a circle: " + " → ".join(cycle),
            )
        )
        return ()
    order = graphlib.TopologicalSorter(graph).static_order()
    return tuple(by_id[cid] for cid in order if cid in by_id)


def _roster(folder: Path, block_ids: set[str], problems: list[Problem]) -> list[m.RosterUnit]:
    if not (folder / "units.yaml").is_file():
        return []
    doc = _read(folder, "units.yaml", problems)
    if doc is None:
        return []
    found = schema_problems(doc, "units")
    problems += found
    if found:
        return []
    units = []
    for key, value in (doc.data or {}).items():
        per_period = key.isdigit()
        for block_id, entries in value.items() if per_period else [(key, value)]:
            path = (key, block_id) if per_period else (block_id,)
            if block_id not in block_ids:
                problems.append(
                    doc.problem(path, "unknown-block", f"no block {block_id!r} in this pack")
                )
            units += [
                m.RosterUnit(
                    id=e["id"],
                    name=e["name"],
                    block=block_id,
                    parent=e.get("parent"),
                    period=key if per_period else None,
                )
                for e in entries
            ]
    return units

"""The ranking and calendar rules of ``pack.yaml`` and a block's level gates, as model values.

Kept apart from :mod:`.pack_dir` (which walks the folder and the criteria trees): these
are the rules a decision states about *who is ranked on what*: the measure a rank
compares, the tie-break chain, whether late units keep a level, the deadlines (per year
or every year) and the mandatory criteria that cap a unit's level.
"""

from __future__ import annotations

from typing import Any

from ..dsl import Scope, Type
from ..model import pack as m
from ..model.problems import Problem
from .formulas import compile_at
from .yaml_reader import YamlDocument


def tie_steps(raw: list[Any]) -> tuple[m.TieStep, ...]:
    """``ranking.tie_break`` as steps: a bare formula is "higher first"."""
    steps = []
    for item in raw:
        if isinstance(item, dict):
            steps.append(
                m.TieStep(
                    text=str(item["by"]),
                    prefer=item.get("prefer", "higher"),
                    label=item.get("label"),
                )
            )
        else:
            steps.append(m.TieStep(text=str(item)))
    return tuple(steps)


def ranking(raw: dict[str, Any]) -> m.Ranking:
    return m.Ranking(
        ties=raw.get("ties", "shared"),
        tie_break=tie_steps(raw.get("tie_break", ())),
        compare=raw.get("compare", "published"),
        within_parent=bool(raw.get("within_parent", False)),
        measure=raw.get("measure"),
        unranked_level=bool(raw.get("unranked_level", True)),
    )


def tie_break_formulas(
    doc: YamlDocument,
    pack_data: dict[str, Any],
    block_id: str,
    criterion_ids: list[str],
    problems: list[Problem],
) -> tuple[Any, ...]:
    """The pack's tie-break steps compiled for one block (they name its criteria)."""
    scope = Scope(names={}, criteria=criterion_ids)
    formulas = []
    for i, step in enumerate(tie_steps((pack_data.get("ranking") or {}).get("tie_break", ()))):
        formula = compile_at(
            doc,
            ("criteria",),
            step.text,
            scope,
            problems,
            origin=f"ranking.tie_break[{i}] in block {block_id}",
        )
        if formula is not None:
            formulas.append(formula)
    return tuple(formulas)


def level_gates(
    doc: YamlDocument, raw: list[dict[str, Any]], scope: Scope, problems: list[Problem]
) -> tuple[m.LevelGate, ...]:
    """A block's ``level_gates``: conditions on its inputs and scores that cap the level."""
    gates = []
    for i, gate in enumerate(raw):
        formula = compile_at(
            doc,
            ("level_gates", i, "when"),
            gate["when"],
            scope,
            problems,
            expect=Type.BOOLEAN,
            origin=f"level_gates[{i}]",
        )
        if formula is not None:
            gates.append(
                m.LevelGate(when=formula, at_most=gate["at_most"], title=gate.get("title"))
            )
    return tuple(gates)


def gate_problems(blocks: list[m.Block], level_names: list[str]) -> list[Problem]:
    """Gates that cap at a level the pack does not have."""
    problems = []
    for block in blocks:
        for i, gate in enumerate(block.level_gates):
            if gate.at_most not in level_names:
                problems.append(
                    Problem(
                        "unknown-level",
                        f"level_gates[{i}] of block {block.id!r} caps at {gate.at_most!r}, "
                        f"which is not a level of this pack ({', '.join(level_names)})",
                        file=block.file,
                    )
                )
    return problems


def calendar(doc: YamlDocument, block_ids: set[str], problems: list[Problem]) -> m.Calendar:
    raw = doc.data.get("calendar") or {}
    deadlines: dict[str, dict[str, Any]] = {}
    yearly: dict[str, str] = {}
    for year, per_block in (raw.get("deadlines") or {}).items():
        for block_id, rule in per_block.items():
            if block_id not in block_ids:
                problems.append(
                    doc.problem(
                        ("calendar", "deadlines", year, block_id),
                        "unknown-block",
                        f"no block {block_id!r} in this pack",
                    )
                )
            if year == "yearly":
                yearly[block_id] = rule["before"]
                if not _valid_month_day(rule["before"]):
                    problems.append(
                        doc.problem(
                            ("calendar", "deadlines", year, block_id, "before"),
                            "date",
                            f"{rule['before']!r} is not a day of the year",
                        )
                    )
            else:
                deadlines.setdefault(str(year), {})[block_id] = rule["before"]
    period = raw.get("period")
    return m.Calendar(
        period=m.Period(**period) if period else None,
        deadlines=deadlines,
        yearly_deadlines=yearly,
        updates=tuple(m.Update(**u) for u in raw.get("updates", ())),
    )


def _valid_month_day(text: str) -> bool:
    """``MM-DD`` names a day that exists every year (so not 02-29)."""
    import datetime as dt

    month, day = (int(x) for x in text.split("-"))
    try:
        dt.date(2001, month, day)
    except ValueError:
        return False
    return True

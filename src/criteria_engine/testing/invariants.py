"""Invariants every pack must keep, for any valid submission: one call each.

Each ``assert_*`` function takes a pack (a loaded :class:`~criteria_engine.model.Pack`, a
name or a folder), optionally one block id and a number of examples, and raises
:class:`AssertionError` whose message speaks the unit's language: which inputs, which
criterion, what was expected and what came out. Hypothesis generates the submissions
(:mod:`.strategies`) and shrinks a failure to the smallest one it can find, so the
message shows the simplest unit that breaks the rule.

:func:`check_pack_deep` runs them all and returns the failures as text; it is what
``criteria-engine check --deep`` prints. Runs are derandomised (the same examples every
time, so CI is reproducible) and write no example database.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

# ._base comes first: it says what to install when hypothesis is missing
from ..inputs.types import input_type
from ._base import DEFAULT_EXAMPLES, explore, load, per_block, score
from ._describe import criterion_label, inputs_block, inputs_of, number
from ._levels import level_problems
from ._monotony import first_failure
from .analysis import BlockFacts, level_cuts
from .strategies import Draft, drafts, unit_batches

if TYPE_CHECKING:
    from ..model.pack import Pack

__all__ = [
    "DEFAULT_EXAMPLES",
    "INVARIANTS",
    "assert_levels_cover",
    "assert_monotone",
    "assert_order_independent",
    "assert_pack_invariants",
    "assert_ranking_rules",
    "assert_scores_within_bounds",
    "assert_submissions_valid",
    "assert_totals_within_maximum",
    "check_pack_deep",
]

# -- one unit ----------------------------------------------------------------------------


@per_block
def assert_submissions_valid(facts: BlockFacts, max_examples: int | None) -> None:
    """Generated submissions pass the block's JSON Schema and the engine's own checks.

    The schema is what portals validate a form with before sending it; if it and the
    engine disagree, a unit can send a form the province then refuses.
    """
    from jsonschema import Draft202012Validator

    from ..inputs.schema import submission_schema

    validator = Draft202012Validator(submission_schema(facts.pack, facts.block))

    def body(draft: Draft) -> None:
        record = draft.record(facts)
        errors = sorted(validator.iter_errors(record), key=lambda e: e.json_path)
        if errors:
            raise AssertionError(
                "the submission JSON Schema refuses a valid submission: "
                + "; ".join(f"{e.json_path}: {e.message}" for e in errors[:3])
                + "\n  the unit's inputs:\n"
                + inputs_block(facts, draft.values, omitted=draft.omitted)
            )
        score(facts, draft)

    explore(drafts(facts), body, max_examples)


@per_block
def assert_scores_within_bounds(facts: BlockFacts, max_examples: int | None) -> None:
    """Every criterion's score lies between its floor and its maximum."""

    def body(draft: Draft) -> None:
        result = score(facts, draft)
        for got in result.all_criteria():
            if got.score is None:
                continue
            crit = facts.block.criterion(got.id)
            if crit.floor <= got.score <= min(crit.max, got.max):
                continue
            raise AssertionError(
                f"criterion {criterion_label(crit)} scored {number(got.score)}, outside "
                f"{number(crit.floor)} … {number(min(crit.max, got.max))}\n"
                f"  formula: {got.formula or 'sum of its children'}\n  the inputs it reads:\n"
                + inputs_block(facts, draft.values, inputs_of(facts.block, [crit.id]))
            )

    explore(drafts(facts), body, max_examples)


def _bonus(facts: BlockFacts) -> Decimal:
    return sum((c.max for c in facts.block.criteria if c.kind == "bonus" and c.weight), Decimal(0))


@per_block
def assert_totals_within_maximum(facts: BlockFacts, max_examples: int | None) -> None:
    """A group never scores above its maximum (the sum of its applicable children, capped);
    the total never exceeds the block's maximum total plus its bonus maxima."""
    bonus = _bonus(facts)

    def body(draft: Draft) -> None:
        result = score(facts, draft)
        for got in result.all_criteria():
            if not got.children or got.score is None:
                continue
            crit = facts.block.criterion(got.id)
            problem = None
            if got.score > got.max:
                problem = f"scored {number(got.score)}, above its maximum {number(got.max)}"
            elif crit.formula is None:
                parts = sum(
                    (c.score for c in got.children if c.counted and c.score is not None),
                    Decimal(0),
                )
                want = min(max(parts, crit.floor), crit.max)
                if got.score != want:
                    problem = (
                        f"scored {number(got.score)}, but its applicable children add up "
                        f"to {number(parts)} (so {number(want)} after its cap)"
                    )
            if problem:
                raise AssertionError(
                    f"group {criterion_label(crit)} {problem}\n  the inputs it reads:\n"
                    + inputs_block(facts, draft.values, inputs_of(facts.block, [crit.id]))
                )
        ceiling = result.max_total + bonus
        if result.total > ceiling or result.total > facts.block.max_total + bonus:
            raise AssertionError(
                f"the total {number(result.total)} is above the maximum total "
                f"{number(result.max_total)} plus {number(bonus)} bonus points\n"
                "  the unit's inputs:\n" + inputs_block(facts, draft.values)
            )

    explore(drafts(facts), body, max_examples)


@per_block
def assert_monotone(facts: BlockFacts, max_examples: int | None) -> None:
    """An input marked ``better: higher`` never lowers the total when it grows, all else
    equal (``better: lower``: when it shrinks); a change that would make the submission
    invalid (a part above its whole, a value beyond its bounds) is skipped."""
    names = tuple(
        name
        for name, spec in facts.inputs.items()
        if spec.better in ("higher", "lower") and input_type(spec).ordered
    )
    failures: list[str] = []
    # an input that divides somewhere is the usual culprit: each gets a longer search of
    # its own (a correct pack marks none, so this costs nothing there)
    for name in (n for n in names if n in facts.divisors):
        found = first_failure(facts, (name,), SUSPECT_FACTOR * (max_examples or DEFAULT_EXAMPLES))
        if found is not None:
            failures.append(found[1])
    names = tuple(n for n in names if n not in facts.divisors)
    while names:
        found = first_failure(facts, names, max_examples)
        if found is None:
            break
        name, message = found
        failures.append(message)
        # look again without that input, so one run reports every input that fails
        names = tuple(n for n in names if n != name)
    if failures:
        raise AssertionError("\n".join(failures))


@per_block
def assert_levels_cover(facts: BlockFacts, max_examples: int | None) -> None:
    """Levels cover every percentage (0–100 %, more with bonus points) with no gap or
    overlap, and a total exactly on a threshold gets the higher level."""
    problems = level_problems(facts.pack, facts.block, level_cuts(facts.pack, facts.block))
    if problems:
        raise AssertionError("levels: " + "\n  ".join(problems))


# -- batches -----------------------------------------------------------------------------


def _table(facts: BlockFacts, records: list[dict[str, Any]]):
    from ..evaluation.batch import run_batch

    outcome = run_batch(facts.pack, units=records)
    if outcome.errors:
        raise AssertionError(
            "units of a valid batch were refused: "
            + "; ".join(e.render() for e in outcome.errors[:3])
        )
    return outcome.tables[facts.block.id]


@per_block
def assert_ranking_rules(facts: BlockFacts, max_examples: int | None) -> None:
    """Equal totals share a rank and ranks go 1, 2, 2, 4; late, excluded and missing units
    never get a rank and never come ahead of a ranked unit."""
    from ._ranking import table_problems, table_text

    def body(records: list[dict[str, Any]]) -> None:
        table = _table(facts, records)
        problems = table_problems(facts.pack, facts.block.id, records, table)
        if problems:
            raise AssertionError(
                "ranking: " + "\n  ".join(problems) + "\n  the table:\n" + table_text(table)
            )

    explore(unit_batches(facts.pack, facts.block, max_units=5), body, max_examples)


@per_block
def assert_order_independent(facts: BlockFacts, max_examples: int | None) -> None:
    """Evaluating a batch twice gives the same table, whatever the order of its units."""
    from hypothesis import strategies as st

    from ._ranking import table_text

    batches = unit_batches(facts.pack, facts.block, min_units=2, max_units=4)
    pairs = batches.flatmap(lambda rs: st.tuples(st.just(rs), st.permutations(rs)))

    def body(pair: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
        records, shuffled = pair
        first, again, other = (
            _table(facts, records),
            _table(facts, records),
            _table(facts, shuffled),
        )
        if first != again:
            raise AssertionError(
                "evaluating the same batch twice gave two tables:\n"
                + table_text(first)
                + "\n  then:\n"
                + table_text(again)
            )
        if first != other:
            raise AssertionError(
                "the same units in another order gave another table:\n  in the order "
                + ", ".join(r["id"] for r in records)
                + ":\n"
                + table_text(first)
                + "\n  in the order "
                + ", ".join(r["id"] for r in shuffled)
                + ":\n"
                + table_text(other)
            )

    explore(pairs, body, max_examples)


#: How many more examples a marked input that divides somewhere gets.
SUSPECT_FACTOR = 5

#: Every invariant by name, in the order they run.
INVARIANTS: dict[str, Callable[..., None]] = {
    "submissions": assert_submissions_valid,
    "bounds": assert_scores_within_bounds,
    "totals": assert_totals_within_maximum,
    "monotonicity": assert_monotone,
    "levels": assert_levels_cover,
    "ranking": assert_ranking_rules,
    "order": assert_order_independent,
}


def check_pack_deep(pack: Pack | str, max_examples: int | None = None) -> list[str]:
    """Run every invariant on every block; return the failures as readable text.

    ``max_examples`` is the number of generated submissions (or batches) per invariant and
    block (default :data:`DEFAULT_EXAMPLES`). An empty list means every invariant holds.
    """
    loaded = load(pack)
    failures = []
    for name, invariant in INVARIANTS.items():
        for block in loaded.blocks:
            try:
                invariant(loaded, block.id, max_examples=max_examples)
            except AssertionError as exc:
                failures.append(f"{loaded.label}: {name}: {exc.args[0] if exc.args else exc}")
            except Exception as exc:  # a crash inside a check is reported, not raised
                failures.append(
                    f"{loaded.label}: {name}: block {block.id}: the check could not run: "
                    f"{type(exc).__name__}: {exc}"
                )
    return failures


def assert_pack_invariants(pack: Pack | str, *, max_examples: int | None = None) -> None:
    """Run every invariant on ``pack``; one line in a pack's own tests::

    from criteria_engine.testing import assert_pack_invariants

    def test_invariants():
        assert_pack_invariants("gialai")
    """
    failures = check_pack_deep(pack, max_examples=max_examples)
    if failures:
        raise AssertionError("\n\n".join(failures))

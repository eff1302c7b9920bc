"""Results as JSON-ready data, and back: the one way every result type is saved.

A portal stores results, a pipeline hands them to another tool, and next year's round
reads this year's back. :func:`to_data` turns a :class:`UnitResult`, a
:class:`CriterionResult`, a :class:`Standing`, a :class:`Finding`, a
:class:`SubmissionError` or a whole :class:`BatchOutcome` into plain dicts and lists that
``json.dumps`` writes as they are, with every Decimal as a string (``"82.60"``) so that no
figure passes through a binary float. :func:`from_data` builds the same values again;
``from_data(cls, to_data(x), pack=pack) == x`` for every result. A batch's data is the
saved results file that ``evaluate --format json`` writes and ``--previous`` reads.

The values a formula saw (``CriterionResult.inputs``) are typed by the pack's inputs, so
giving ``pack`` to :func:`from_data` turns them back into the exact numbers, booleans and
dates; without it they stay as the strings JSON holds.
"""

from __future__ import annotations

import datetime as dt
import functools
import typing
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ..dsl.errors import CriteriaEngineError
from ..inputs.submission import SubmissionError
from ..model.results import (
    DRAFT,
    RESULT_STATES,
    CriterionResult,
    Finding,
    Standing,
    UnitResult,
)
from .batch import BatchOutcome

if TYPE_CHECKING:
    import cattrs

    from ..model.pack import Input, Pack

#: the version of the saved results file; readers refuse one they do not know
FORMAT_VERSION = 1

T = TypeVar("T")


class ResultsDataError(CriteriaEngineError, ValueError):
    """Data that is not a saved result of the kind asked for, with the reason."""


def _decimal(value: Any, _: Any = None) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ResultsDataError(f"expected a number written as a string, got {value!r}")
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ResultsDataError(f"not a number: {value!r}") from None


def _optional_decimal(value: Any, _: Any = None) -> Decimal | None:
    # files saved before nulls were kept wrote an absent group score as ""
    return None if value is None or value == "" else _decimal(value)


def _plain(value: Any) -> Any:
    """A value of unknown type (what a formula saw) as JSON-ready data."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@functools.cache
def _converter() -> cattrs.Converter:
    import cattrs

    converter = cattrs.Converter()
    converter.register_unstructure_hook(Decimal, lambda d: format(d, "f"))
    converter.register_structure_hook(Decimal, _decimal)
    converter.register_structure_hook(Decimal | None, _optional_decimal)
    converter.register_unstructure_hook_func(  # sets as sorted lists
        lambda t: t is frozenset or typing.get_origin(t) is frozenset, sorted
    )
    any_values = Mapping[str, Any]  # what a formula saw: typed only with the pack
    converter.register_unstructure_hook_func(
        lambda t: t == any_values, lambda m: {str(k): _plain(v) for k, v in m.items()}
    )
    converter.register_structure_hook_func(lambda t: t == any_values, lambda m, _: dict(m))
    return converter


def _outcome_data(outcome: BatchOutcome, period: str | None) -> dict[str, Any]:
    pack = outcome.pack
    standing = _converter().unstructure
    return {
        "format": FORMAT_VERSION,
        "pack": pack.label,
        "province": pack.province,
        "decision": {"number": pack.decision.number, "signed": pack.decision.signed.isoformat()},
        "period": period,
        "state": outcome.state,
        "counts": {
            "units": outcome.units_in,
            "results": outcome.results,
            "errors": len(outcome.errors),
        },
        "blocks": {
            block: [standing(s, Standing) for s in rows] for block, rows in outcome.tables.items()
        },
        "interim": [standing(s, Standing) for s in outcome.interim],
        "errors": [attrs.asdict(e) for e in outcome.errors],
        # any further field (state, the files' notes …) under its own name
        **{
            f.name: _converter().unstructure(getattr(outcome, f.name), f.type)
            for f in _extra_fields()
        },
    }


@functools.cache
def _extra_fields() -> tuple[attrs.Attribute, ...]:
    """BatchOutcome's fields beyond those the file lays out itself, with resolved types."""
    laid_out = {"pack", "tables", "errors", "interim", "units_in", "results"}
    attrs.resolve_types(BatchOutcome)
    return tuple(f for f in attrs.fields(BatchOutcome) if f.name not in laid_out)


def outcome_json(outcome: BatchOutcome, period: str | None = None) -> dict[str, Any]:
    """A batch as its saved results (``evaluate --format json``); ``period`` names the year."""
    return _outcome_data(outcome, period)


def to_data(value: Any, *, period: str | None = None) -> Any:
    """A result (or a batch's outcome, with its ``period``) as JSON-ready data."""
    if isinstance(value, BatchOutcome):
        return _outcome_data(value, period)
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    if not isinstance(value, UnitResult | CriterionResult | Standing | Finding | SubmissionError):
        raise ResultsDataError(f"cannot save a {type(value).__name__} as result data")
    return _converter().unstructure(value, type(value))


def _typed_inputs(criterion: CriterionResult, inputs: Mapping[str, Input]) -> CriterionResult:
    def typed(name: str, value: Any) -> Any:
        spec = inputs.get(name)
        if not isinstance(value, str):
            return value  # booleans and nulls come back as they were
        if spec is not None and not spec.is_numeric:
            return dt.date.fromisoformat(value) if spec.type == "date" else value
        try:  # a number: an input's exact value, a constant or a figure the formula derived
            return Decimal(value)
        except InvalidOperation:
            return value

    return attrs.evolve(
        criterion,
        inputs={k: typed(k, v) for k, v in criterion.inputs.items()},
        children=tuple(_typed_inputs(c, inputs) for c in criterion.children),
    )


def _outcome(data: Mapping[str, Any], pack: Pack | None) -> BatchOutcome:
    if data.get("format") != FORMAT_VERSION or not isinstance(data.get("blocks"), Mapping):
        raise ResultsDataError(
            "not saved results of criteria-engine (format "
            f"{FORMAT_VERSION}, written by `evaluate --format json`)"
        )
    if pack is None:
        from ..loading.finder import load_pack

        pack = load_pack(str(data["pack"]))
    elif data.get("pack") not in (pack.label, pack.name):
        raise ResultsDataError(f"these results are of {data.get('pack')!r}, not {pack.label!r}")
    converter = _converter()
    counts = data.get("counts") or {}
    return BatchOutcome(
        pack=pack,
        tables={
            str(block): [converter.structure(row, Standing) for row in rows]
            for block, rows in data["blocks"].items()
        },
        errors=[converter.structure(e, SubmissionError) for e in data.get("errors", ())],
        interim=[converter.structure(row, Standing) for row in data.get("interim", ())],
        units_in=int(counts.get("units", 0)),
        results=int(counts.get("results", 0)),
        state=_state(data.get("state")),
        **{
            f.name: converter.structure(data[f.name], f.type)
            for f in _extra_fields()
            if f.name in data and f.name != "state"
        },
    )


def _state(value: Any) -> str:
    """The saved approval state; files written before states were kept are drafts."""
    if value is None:
        return DRAFT
    if value not in RESULT_STATES:
        raise ResultsDataError(f"unknown state {value!r} (one of: {', '.join(RESULT_STATES)})")
    return value


def from_data(cls: type[T], data: Any, *, pack: Pack | None = None) -> T:
    """Build a ``cls`` result again from :func:`to_data`'s data.

    ``pack`` types the values each formula saw (and, for a :class:`BatchOutcome`, is the
    pack it belongs to: without it the pack the data names is loaded).
    Raises :class:`ResultsDataError` when the data is not such a result.
    """
    import cattrs

    if not isinstance(data, Mapping):
        raise ResultsDataError(f"expected an object of result data, got {type(data).__name__}")
    try:
        if cls is BatchOutcome:
            return _outcome(data, pack)  # type: ignore[return-value]
        value = _converter().structure(data, cls)
    except cattrs.BaseValidationError as exc:
        detail = "; ".join(cattrs.transform_error(exc))
        raise ResultsDataError(f"not {cls.__name__} data: {detail}") from None
    if pack is not None and isinstance(value, UnitResult):
        inputs = pack.block(value.block).inputs
        value = attrs.evolve(  # type: ignore[assignment]
            value, criteria=tuple(_typed_inputs(c, inputs) for c in value.criteria)
        )
    return value

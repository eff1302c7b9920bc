"""The one place where the service calls the library.

Every score, level and rank the service shows comes from here, and here only from
``criteria_engine``'s public API. The library is being reorganised, so the few things the
public API does not (yet) offer are imported from their internal modules in this module
alone, each with a comment; when they move, only this file changes.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import criteria_engine as ce

#: fields of a stored record that belong to the service, never given to the engine
SERVICE_FIELDS = ("evidence_notes",)


# ---------------------------------------------------------------- exact JSON ---------------


def loads(data: str | bytes) -> Any:
    """JSON with every non-integer number as an exact :class:`Decimal` (never a float)."""
    return json.loads(data, parse_float=Decimal)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        # a number when the float's shortest text is the same decimal (so a client reads
        # back exactly what it sent), else its exact text
        if value == value.to_integral_value() and abs(value) < 2**53:
            return int(value)
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else format(value, "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(data: Any) -> str:
    """The service's JSON: Vietnamese text as is, decimals exact."""
    return json.dumps(data, ensure_ascii=False, default=_plain, separators=(",", ":"))


# ---------------------------------------------------------------- packs --------------------


class PackProblem(ValueError):
    """A pack that cannot be found or loaded, with the library's message."""


@functools.lru_cache(maxsize=64)
def load_pack(name: str, period: str | None = None) -> Any:
    """A pack by ``name``, ``name@version`` or folder; kept, as finding a pack by name
    reads every installed pack's header and a request should not pay for that."""
    try:
        return ce.load_pack(name, period=period)
    except (ce.PackNotFound, ce.PackError) as exc:
        raise PackProblem(str(exc)) from None


def installed_packs() -> list[str]:
    """Labels (``name@version``) of every installed pack."""
    return [ref.label for ref in ce.installed_packs()]


def block_ids(pack: Any) -> list[str]:
    return [b.id for b in pack.blocks]


def pack_deadlines(pack: Any, period: str) -> dict[str, dt.date]:
    """The pack calendar's deadline per block for ``period`` ("before" this date)."""
    # the calendar is part of the pack model, not of the top-level API
    return dict(pack.calendar.deadlines.get(period, {}))


def pack_roster(pack: Any, period: str) -> list[dict[str, Any]]:
    """The units the pack expects to submit in ``period``: id, name, block, parent."""
    return [
        {"unit_id": u.id, "name": u.name, "block": u.block, "parent": u.parent}
        for u in pack.roster
        if u.period in (None, period)
    ]


def criterion_ids(pack: Any, block_id: str) -> frozenset[str]:
    return pack.block(block_id).criterion_ids


_AGGREGATES: dict[tuple[str, str, str], bool] = {}


def uses_aggregates(pack: Any, block_id: str) -> bool:
    """Whether a block uses block-wide ``best``/``mean``: a unit's total there depends on
    the other units of its block, so the service evaluates the whole block."""
    key = (str(pack.path), pack.label, block_id)  # packs are not hashable
    if key not in _AGGREGATES:
        # internal: the evaluator's list of a block's aggregates is not a top-level name
        from criteria_engine.evaluation.unit import needed_aggregates

        _AGGREGATES[key] = bool(needed_aggregates(pack.block(block_id)))
    return _AGGREGATES[key]


def unit_json_schema(pack: Any, block_id: str) -> dict[str, Any]:
    """The JSON Schema of one unit record of a block, as the engine generates it."""
    # internal: the schema generator is not re-exported at the top level
    from criteria_engine.inputs.schema import unit_schema

    return unit_schema(pack, pack.block(block_id))


# ---------------------------------------------------------------- checking -----------------


def error_json(error: Any) -> dict[str, Any]:
    """A :class:`ce.SubmissionError` as the API shows it: the field, and the CLI's text."""
    return {
        "field": error.field,
        "unit": error.unit,
        "message": error.message,
        "text": error.render(),
    }


def engine_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A stored record without the service's own fields, as the engine reads it."""
    return {k: v for k, v in record.items() if k not in SERVICE_FIELDS}


def check(pack: Any, record: Mapping[str, Any], *, draft: bool) -> list[dict[str, Any]]:
    """The engine's errors for one record; a draft may still leave required inputs out.

    A draft is checked like a submission except that an input it does not give at all is
    not an error yet: such errors name an input the record leaves empty.
    """
    checked = ce.check_record(pack, engine_record(record))
    if not isinstance(checked, list):
        return []
    inputs = record.get("inputs") if isinstance(record.get("inputs"), Mapping) else {}
    errors = []
    for error in checked:
        field = error.field or ""
        if draft and field.startswith("inputs."):
            value = inputs.get(field[len("inputs.") :])
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
        errors.append(error_json(error))
    return errors


def missing_inputs(pack: Any, record: Mapping[str, Any]) -> list[str]:
    """Required inputs a draft has not filled in yet."""
    try:
        block = pack.block(str(record.get("block")))
    except KeyError:
        return []
    inputs = record.get("inputs") if isinstance(record.get("inputs"), Mapping) else {}
    missing = []
    for name, spec in block.inputs.items():
        value = inputs.get(name)
        if spec.required and (value is None or (isinstance(value, str) and not value.strip())):
            missing.append(name)
    return missing


# ---------------------------------------------------------------- scoring ------------------


def figures(result: Any) -> dict[str, Any]:
    """The figures of one :class:`ce.UnitResult` the API shows with a record."""
    return {
        "total": format(result.total, "f"),
        "published_total": format(result.published_total, "f"),
        "percent": format(result.published_percent, "f"),
        "level": result.level,
        "evaluation_status": result.status,
    }


def _with_peers(
    record: Mapping[str, Any], block_records: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """``record`` then the other units of its block, as the engine takes them."""
    uid = record.get("id")
    return [engine_record(record), *(engine_record(r) for r in block_records if r.get("id") != uid)]


def evaluate_in_block(
    pack: Any, record: Mapping[str, Any], block_records: Iterable[Mapping[str, Any]] = ()
) -> Any | None:
    """The result of ``record``, with block-wide aggregates over ``block_records`` too.

    ``block_records`` are the other units of the same block (only needed when the block
    uses ``best``/``mean``). Returns None when the record cannot be evaluated.
    """
    uid = record.get("id")
    own, *others = _with_peers(record, block_records)
    # the block's figures over every unit, then only this unit scored (not the whole block)
    figures = ce.block_aggregates(pack, [own, *others]) if others else None
    for item in ce.evaluate_many(pack, [own], aggregates=figures):
        if isinstance(item, ce.UnitResult) and item.unit_id == uid:
            return item
        if isinstance(item, ce.UnitResult):
            continue
        if getattr(item, "unit", None) == uid:
            return None
    return None


def differences(result: Any, record: Mapping[str, Any]) -> dict[str, Any]:
    """What verification changed: declared against verified inputs, and per criterion the
    self-assessed score, the score from the declared inputs, and the verified score."""
    declared = record.get("inputs") or {}
    verified = record.get("verified") or {}
    inputs = [
        {"input": name, "declared": declared.get(name), "verified": value}
        for name, value in verified.items()
        if declared.get(name) != value
    ]
    criteria = []
    for c in result.all_criteria() if result is not None else ():
        changed = c.declared is not None and c.declared != c.score
        self_diff = c.self_score is not None and c.score is not None and c.self_score != c.score
        if changed or self_diff:
            criteria.append(
                {
                    "criterion": c.id,
                    "title": c.title,
                    "self_score": None if c.self_score is None else format(c.self_score, "f"),
                    "declared_score": None if c.declared is None else format(c.declared, "f"),
                    "verified_score": None if c.score is None else format(c.score, "f"),
                    "reason": c.reason,
                }
            )
    findings = [
        {"code": f.code, "message": f.message, "criterion": f.criterion, "field": f.field}
        for f in (result.findings if result is not None else ())
    ]
    return {"inputs": inputs, "criteria": criteria, "findings": findings}


def results_json(
    pack: Any, records: list[Mapping[str, Any]], period: str, state: str = "draft"
) -> dict[str, Any]:
    """Exactly what ``criteria-engine evaluate --format json`` prints for these records,
    marked with where the round stands (draft, approved, published)."""
    outcome = ce.run_batch(pack, units=[engine_record(r) for r in records], state=state)
    return ce.outcome_json(outcome, period)


def rank_changes(
    pack: Any, records: list[Mapping[str, Any]], period: str, previous: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The library's rank-change tables against a previous round's saved results JSON."""
    # internal: the rank-change report and its context are not top-level names yet
    from criteria_engine.reports.base import ReportContext
    from criteria_engine.reports.workflow import rank_change_tables

    outcome = ce.run_batch(pack, units=[engine_record(r) for r in records])
    # the library reads a previous period from a results file: hand it the stored JSON as
    # one, so its own checks (same pack, earlier year) and typing apply unchanged
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/previous.json"
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(dumps(previous))
        try:
            before = ce.load_previous(path, pack, period)
        except ValueError as exc:  # PreviousResultsError: another pack, a later year …
            raise PackProblem(str(exc)) from None
    tables = rank_change_tables(ReportContext(pack, outcome, previous=before, period=period))
    out = []
    for table in tables:
        keys = table.keys or table.headers
        out.append(
            {
                "block": table.block,
                "title": table.title,
                "headers": list(table.headers),
                "rows": [
                    {
                        k: (format(v, "f") if isinstance(v, Decimal) else v)
                        for k, v in zip(keys, row, strict=False)
                    }
                    for row in table.rows
                ],
            }
        )
    return out


def evaluate_units(
    pack_name: str, units: list[Any], period: str | None
) -> tuple[dict[str, Any] | None, str | None]:
    """``POST /evaluate``: the CLI's JSON for records given in a request, or an error."""
    records = []
    for unit in units:
        if isinstance(unit, Mapping) and period and not unit.get("period"):
            unit = {**unit, "period": period}
        records.append(unit)
    if period is None:
        period = next(
            (str(u["period"]) for u in records if isinstance(u, Mapping) and u.get("period")),
            None,
        )
    try:
        pack = load_pack(pack_name, period)
    except PackProblem as exc:
        return None, str(exc)
    bad = [i for i, u in enumerate(records) if not isinstance(u, Mapping)]
    if bad:
        return None, f"units[{bad[0]}]: a unit record must be an object"
    outcome = ce.run_batch(pack, units=records)
    return ce.outcome_json(outcome, period), None


# ---------------------------------------------------------------- the portal's pages -------
# What the server-rendered pages (:mod:`.pages`) need beyond the API: the result tree of a
# unit for its score card, the next-level analysis, reading uploaded workbooks, and the
# library's own output formats, caveats and collation for the results pages.


def next_level(
    pack: Any, record: Mapping[str, Any], block_records: Iterable[Mapping[str, Any]] = ()
) -> Any | None:
    """The library's "what it takes to reach the next level" for one record (block-wide
    figures taken over ``block_records`` too); None at the top level or without a level."""
    try:
        found = ce.next_level(pack, _with_peers(record, block_records), unit=record.get("id"))
    except (ValueError, ce.CriteriaEngineError):
        return None
    return found[0] if found else None


def read_workbook(data: bytes, filename: str) -> tuple[list[dict[str, Any]], list[dict]]:
    """Unit records from an uploaded Excel survey form (the one ``criteria-engine
    template`` writes, single or ``--multi``), and the reader's errors as the API shows
    them. The library reads files, so the bytes go through a private temporary folder."""
    import tempfile
    from pathlib import Path

    name = Path(filename or "phieu.xlsx").name or "phieu.xlsx"
    if not name.lower().endswith(".xlsx"):
        name += ".xlsx"
    records: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        for item in ce.read_records([path]):
            if isinstance(item, ce.Record):
                records.append(dict(item.data))
            else:
                errors.append({**error_json(item), "text": item.render().replace(folder + "/", "")})
    return records, errors


def survey_form(pack: Any, block_id: str, *, multi: bool = False) -> bytes:
    """The blank Excel survey form of a block, as ``criteria-engine template`` writes it."""
    # internal: the form writer is not a top-level name (the CLI's template command uses it)
    from criteria_engine.inputs.forms import survey_form as write_form

    return write_form(pack, pack.block(block_id), multi=multi)


def run_round(pack: Any, records: list[Mapping[str, Any]], state: str) -> tuple[Any, list[Any]]:
    """The ranked batch of a round's records and every unit's full result, marked with
    where the results stand (draft, verified, approved, published)."""
    collected: list[Any] = []
    outcome = ce.run_batch(
        pack, units=[engine_record(r) for r in records], on_result=collected.append, state=state
    )
    return outcome, collected


def _context(pack: Any, outcome: Any, results: list[Any], period: str) -> Any:
    from criteria_engine.reports import ReportContext

    return ReportContext(pack, outcome, results, period=period)


def render_results(pack: Any, outcome: Any, results: list[Any], period: str, fmt: str) -> bytes:
    """The round's results in one of the library's output formats (``xlsx``, ``html`` …),
    exactly what ``criteria-engine evaluate --format FMT`` writes."""
    from criteria_engine.reports import output_format

    data = output_format(fmt).render_batch(_context(pack, outcome, results, period))
    return data if isinstance(data, bytes) else data.encode("utf-8")


def report_blocks(pack: Any, outcome: Any, results: list[Any], period: str) -> list[Any]:
    """Per block, what the HTML report shows: ranking table, level counts, charts and a
    score card per unit, so the results pages look exactly like the report."""
    # internal: the HTML report's block views are not a public name
    from criteria_engine.reports.formats.html import _blocks

    return _blocks(_context(pack, outcome, results, period))


def report_caveats(pack: Any, outcome: Any | None = None, state: str | None = None) -> list[str]:
    """The library's caveats of these results (state, reconstructed criteria, notes)."""
    from criteria_engine.reports.caveats import caveats

    return caveats(pack, outcome, state=state)


def caveats_title() -> str:
    from criteria_engine.reports.caveats import CAVEATS_TITLE

    return CAVEATS_TITLE


def level_colours(pack: Any) -> dict[str, str]:
    """The HTML report's colour of each level (best first)."""
    from criteria_engine.reports.formats.html import level_colours as colours

    return colours(pack)


def published(pack: Any, value: Decimal | None) -> Decimal | None:
    """A figure rounded as the pack publishes it."""
    return ce.published(pack, value)


def sort_key(text: str) -> Any:
    """Vietnamese dictionary order."""
    return ce.sort_key(text)


#: the library's words for a unit's status in the results (ranked, late, missing …)
STATUS_LABELS = ce.STATUS_LABELS


def shown(value: Any) -> str:
    """A figure as the library's tables show it: decimals in plain digits, yes/no as
    có/không, nothing as an empty cell — so pages and reports never disagree."""
    from criteria_engine.evaluation.rounding import cell

    return str(cell(value))

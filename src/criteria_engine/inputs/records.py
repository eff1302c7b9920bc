"""Read submissions (JSON, YAML, CSV; Excel in :mod:`.workbook`) as unit records.

Reading and checking are two steps. :func:`read_records` streams raw records out of files,
one file at a time, turning a file that cannot be read into an error rather than an
exception. :func:`check_record` then checks one record against the pack: known block,
required and known inputs, each value converted by :mod:`.values`. Every
problem names the file, the unit and the field, and never stops the rest of the batch.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..model.pack import Pack
from .submission import (
    KNOWN_FIELDS,
    MAX_SUBMISSION_BYTES,
    UNIT_FIELDS,
    Record,
    Submission,
    SubmissionError,
)
from .values import ValueProblem, block_converters, convert, to_date, to_decimal


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} appears twice in one object")
        out[key] = value
    return out


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _json(text: str) -> Any:
    return json.loads(
        text,
        parse_float=Decimal,
        parse_int=Decimal,
        parse_constant=_reject_constant,
        object_pairs_hook=_no_duplicates,
    )


def _records_from_data(data: Any, file: str) -> Iterator[Record | SubmissionError]:
    if isinstance(data, Mapping) and "units" in data:
        defaults = {k: v for k, v in data.items() if k in ("period", "submitted", "parent")}
        units = data["units"]
        if not isinstance(units, list):
            yield SubmissionError(file, "'units' must be a list of unit records")
            return
    elif isinstance(data, list):
        defaults, units = {}, data
    elif isinstance(data, Mapping):
        defaults, units = {}, [data]
    else:
        yield SubmissionError(file, "expected a unit record, a list of them, or {units: [...]}")
        return
    for index, unit in enumerate(units):
        if not isinstance(unit, Mapping):
            yield SubmissionError(
                file, "a unit record must be an object", where=f"unit #{index + 1}"
            )
            continue
        yield Record({**defaults, **unit}, file, where=f"unit #{index + 1}")


def records_of(data: Any, file: str = "<memory>") -> Iterator[Record | SubmissionError]:
    """The unit records in parsed data: a submission document (``{"period": …,
    "units": […]}``, whose period, date and parent every unit inherits), a list of records
    or one record. What is not a record becomes an error; nothing is dropped."""
    return _records_from_data(data, file)


def _csv_records(path: Path, text: str) -> Iterator[Record | SubmissionError]:
    reader = csv.DictReader(text.splitlines())
    for row_number, row in enumerate(reader, start=2):
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        record: dict[str, Any] = {"inputs": {}, "self_scores": {}, "reasons": {}, "verified": {}}
        for column, value in row.items():
            if column is None:
                yield SubmissionError(
                    str(path), "the row has more cells than the header", where=f"line {row_number}"
                )
                break
            column = column.strip()
            value = (value or "").strip()
            prefix, _, rest = column.partition(":")
            if rest and prefix in ("self", "reason", "verified"):
                if value:
                    key = {"self": "self_scores", "reason": "reasons"}.get(prefix, prefix)
                    record[key][rest] = value
            elif column in UNIT_FIELDS:
                if value:
                    record[column] = value
            elif value:
                record["inputs"][column] = value
        else:
            yield Record(record, str(path), where=f"line {row_number}")


def read_file(path: str | Path) -> Iterator[Record | SubmissionError]:
    """Every unit record in one file, or errors saying why the file cannot be read."""
    path = Path(path)
    name = str(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from .workbook import read_workbook

        yield from read_workbook(path)
        return
    try:
        if path.stat().st_size > MAX_SUBMISSION_BYTES:
            yield SubmissionError(name, f"the file is larger than {MAX_SUBMISSION_BYTES:,} bytes")
            return
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        yield SubmissionError(name, "the file is not UTF-8 text")
        return
    except OSError as exc:
        yield SubmissionError(name, f"cannot read the file: {exc.strerror}")
        return
    if suffix == ".csv":
        yield from _csv_records(path, text)
        return
    try:
        if suffix in (".yaml", ".yml"):
            from ..loading.yaml_reader import parse_yaml
            from ..model.problems import PackError

            try:
                data = parse_yaml(text, name).data
            except PackError as exc:
                first = exc.problems[0]
                yield SubmissionError(name, first.message, where=first.location())
                return
        else:
            data = _json(text)
    except json.JSONDecodeError as exc:
        yield SubmissionError(
            name, f"not valid JSON: {exc.msg}", where=f"line {exc.lineno} column {exc.colno}"
        )
        return
    except (ValueError, RecursionError) as exc:
        yield SubmissionError(name, f"not valid JSON: {exc}")
        return
    yield from _records_from_data(data, name)


def read_records(paths: Iterable[str | Path]) -> Iterator[Record | SubmissionError]:
    """Stream the records of many files, one file at a time (memory stays flat)."""
    for path in paths:
        yield from read_file(path)


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        value = str(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def check_record(
    pack: Pack, record: Record | Mapping[str, Any]
) -> Submission | list[SubmissionError]:
    """Check one raw record against ``pack``; return the submission or its errors."""
    if not isinstance(record, Record):
        record = Record(record, "<memory>")
    data, file, where = record.data, record.file, record.where
    unit_id = _text(data["id"]) if data.get("id") not in (None, "") else None
    errors: list[SubmissionError] = []

    def error(message: str, field: str | None = None) -> None:
        place = record.places.get(field, where) if field else where
        errors.append(SubmissionError(file, message, unit_id, field, place))

    for field in ("id", "name", "block"):
        if data.get(field) in (None, ""):
            error(f"the unit has no {field!r}", field)
    if not data.keys() <= KNOWN_FIELDS:
        for key in data:
            if key not in KNOWN_FIELDS:
                error(f"unknown field {key!r}", key)
    if errors:
        return errors
    try:
        block = pack.block(_text(data["block"]))
    except KeyError:
        known = ", ".join(b.id for b in pack.blocks)
        error(f"unknown block {data['block']!r} (this pack has: {known})", "block")
        return errors
    excluded = bool(pack.excluded) and pack.excluded_unit(unit_id, _text(data["name"])) is not None
    raw_inputs: Mapping[str, Any] = {} if excluded else (data.get("inputs") or {})
    inputs: dict[str, Any] = {}
    if not isinstance(raw_inputs, Mapping):
        error("'inputs' must be an object of input values", "inputs")
        raw_inputs = {}
    if not raw_inputs.keys() <= block.inputs.keys():
        for name in raw_inputs:
            if name not in block.inputs:
                error(f"unknown input {name!r} for block {block.id!r}", f"inputs.{name}")
    converters = block_converters(block)
    if not errors and raw_inputs.keys() == converters.keys():
        try:  # the common case: every input given and valid, converted in one pass
            inputs = {name: converters[name](raw) for name, raw in raw_inputs.items()}
        except ValueProblem:
            inputs = {}  # the loop below finds and names each problem
    for name, spec in () if inputs else block.inputs.items():
        raw = raw_inputs.get(name)
        if raw is None or (raw.__class__ is str and not raw.strip()):
            if excluded:
                continue
            if spec.required:
                error(f"required input {name!r} ({spec.label}) is missing", f"inputs.{name}")
            else:
                inputs[name] = convert(spec, spec.default)
            continue
        try:
            inputs[name] = converters[name](raw)
        except ValueProblem as exc:
            error(str(exc), f"inputs.{name}")
    verified: dict[str, Any] = {}
    for name, raw in (data.get("verified") or {}).items():
        if name not in block.inputs:
            error(f"unknown input {name!r} in verified values", f"verified.{name}")
            continue
        try:
            verified[name] = convert(block.inputs[name], raw)
        except ValueProblem as exc:
            error(str(exc), f"verified.{name}")
    scored = data.get("self_scores") or data.get("reasons")
    ids = block.criterion_ids if scored else frozenset()
    self_scores: dict[str, Decimal] = {}
    for cid, raw in (data.get("self_scores") or {}).items():
        if cid not in ids:
            error(f"no criterion {cid!r} in block {block.id!r}", f"self_scores.{cid}")
            continue
        try:
            self_scores[cid] = to_decimal(raw)
        except ValueProblem as exc:
            error(str(exc), f"self_scores.{cid}")
    reasons = {str(k): _text(v) for k, v in (data.get("reasons") or {}).items() if v is not None}
    for cid in reasons:
        if cid not in ids:
            error(f"no criterion {cid!r} in block {block.id!r}", f"reasons.{cid}")
    submitted = None
    if data.get("submitted") not in (None, ""):
        try:
            submitted = to_date(data["submitted"])
        except ValueProblem as exc:
            error(str(exc), "submitted")
    period = _text(data["period"]) if data.get("period") not in (None, "") else None
    if (
        period
        and period[:4].isdigit()
        and dt.date(int(period[:4]), 12, 31) < pack.decision.effective
    ):
        error(
            f"period {period} is before this pack's decision {pack.decision.number} took "
            f"effect ({pack.decision.effective.isoformat()})",
            "period",
        )
    stage = _text(data.get("stage") or "year")
    if stage != "year" and stage not in {u.id for u in pack.calendar.updates}:
        error(f"unknown stage {stage!r}", "stage")
    if errors:
        return errors
    head = data.get("head")
    return Submission(
        id=unit_id,
        name=_text(data["name"]),
        block=block.id,
        inputs=inputs,
        file=file,
        period=period,
        submitted=submitted,
        parent=_text(data["parent"]) if data.get("parent") else None,
        head=dict(head) if isinstance(head, Mapping) else None,
        stage=stage,
        self_scores=self_scores,
        reasons=reasons,
        verified=verified,
    )

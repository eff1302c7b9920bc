"""Read submissions (JSON, YAML, CSV; Excel in :mod:`.workbook`) as unit records.

Reading and checking are two steps. :func:`read_records` streams raw records out of files,
one file at a time, turning a file that cannot be read into an error rather than an
exception. :func:`check_record` then checks one record against the pack: known block,
required and known inputs, each value converted by :mod:`.values`. Every
problem names the file, the unit and the field, and never stops the rest of the batch.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..model.pack import Pack
from .quick import quick_submission
from .roster import identity_problems
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
    note = None
    if isinstance(data, Mapping) and "units" in data:
        defaults = {k: v for k, v in data.items() if k in ("period", "submitted", "parent")}
        units = data["units"]
        note = data.get("note")
        if not isinstance(units, list):
            yield SubmissionError(file, "'units' must be a list of unit records")
            return
        if note is not None and not isinstance(note, str):
            yield SubmissionError(file, "the file's 'note' must be text", field="note")
            return
    elif isinstance(data, list):
        defaults, units = {}, data
    elif isinstance(data, Mapping):
        defaults, units = {}, [data]
        note = data.get("note") if isinstance(data.get("note"), str) else None
    else:
        yield SubmissionError(file, "expected a unit record, a list of them, or {units: [...]}")
        return
    note = (note.strip() or None) if note else None
    for index, unit in enumerate(units):
        if not isinstance(unit, Mapping):
            yield SubmissionError(
                file, "a unit record must be an object", where=f"unit #{index + 1}"
            )
            continue
        yield Record({**defaults, **unit}, file, where=f"unit #{index + 1}", note=note)


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
            elif column in ("head.name", "head.title"):  # as a survey workbook names them
                if value:
                    record.setdefault("head", {})[column[5:]] = value
            elif column in UNIT_FIELDS:
                if value:
                    record[column] = value
            elif value:
                record["inputs"][column] = value
        else:
            yield Record(record, str(path), where=f"line {row_number}")


#: byte-order marks of the Unicode encodings read besides UTF-8 (UTF-32 before UTF-16:
#: its little-endian mark begins with UTF-16's)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(raw: bytes) -> str:
    """The text of a submission file: UTF-8 (with or without a BOM), or UTF-16 or UTF-32
    with a BOM (what Excel's "Unicode Text" and Notepad's "Unicode" save).

    Anything else raises :class:`ValueProblem` saying where the first bad byte is and what
    the file probably is: offices still save in Windows-1258, TCVN3 (ABC) or VNI, and a
    hint naming them tells the officer what to do, where "not UTF-8" would not.
    """
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError as exc:
                raise ValueProblem(
                    f"the file starts as {codec.upper()} text but byte {exc.start} is not; "
                    "save it again as UTF-8"
                ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        where = f"byte 0x{raw[exc.start]:02X} on line {line}"
        head = raw[:400]
        if head.count(0) > len(head) // 4:
            guess = "it looks like UTF-16 without a byte-order mark"
        else:
            guess = "it looks like a legacy encoding such as Windows-1258, TCVN3 (ABC) or VNI"
        raise ValueProblem(
            f"the file is not UTF-8 text ({where}; {guess}): save it as UTF-8"
        ) from None


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
        text = decode_text(path.read_bytes())
    except ValueProblem as exc:
        yield SubmissionError(name, str(exc))
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


#: record fields that hold one piece of text (a number is taken as its text: 2019)
_TEXT_FIELDS = ("id", "name", "block", "period", "parent", "stage", "note")
#: record fields that hold an object: what they map, for the message
_OBJECT_FIELDS = {
    "inputs": "input name → value",
    "self_scores": "criterion id → self-assessed score",
    "reasons": "criterion id → reason",
    "verified": "input name → verified value",
    "head": "name, title",
}


def _kind(value: Any) -> str:
    """A value's type in the words of JSON, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Decimal | int | float):
        return "a number"
    return "text" if isinstance(value, str) else f"a {type(value).__name__}"


def _is_text(value: Any) -> bool:
    """Text, or a number a reader gives for what is text (an id 101, a year 2019)."""
    return isinstance(value, str | Decimal | int) and not isinstance(value, bool)


def _shape_problems(data: Mapping[str, Any]) -> dict[str, str]:
    """Fields whose value has the wrong JSON type, field → message: a list where an
    object belongs, an object where text does. Checked before anything reads them, so a
    wrongly typed field is an error naming it, never a crash or a silently dropped value."""
    wrong: dict[str, str] = {}
    for field in _TEXT_FIELDS:
        value = data.get(field)
        if value is not None and not _is_text(value):
            wrong[field] = f"{field!r} must be text, got {_kind(value)}"
    for field, holds in _OBJECT_FIELDS.items():
        value = data.get(field)
        if value not in (None, "") and not isinstance(value, Mapping):
            wrong[field] = f"{field!r} must be an object ({holds}), got {_kind(value)}"
        elif isinstance(value, Mapping) and field in ("reasons", "head"):
            for key, item in value.items():
                if item is not None and not _is_text(item):
                    wrong[f"{field}.{key}"] = f"must be text, got {_kind(item)}"
    return wrong


def check_record(
    pack: Pack, record: Record | Mapping[str, Any]
) -> Submission | list[SubmissionError]:
    """Check one raw record against ``pack``; return the submission or its errors."""
    if not isinstance(record, Record):
        quick = quick_submission(pack, record, "<memory>")
        if quick is not None:
            return quick
        record = Record(record, "<memory>")
    elif not record.problems:
        quick = quick_submission(pack, record.data, record.file)
        if quick is not None:
            return quick
    data, file, where = record.data, record.file, record.where
    errors: list[SubmissionError] = []
    wrong = _shape_problems(data)
    if wrong:  # a field of the wrong JSON type is reported, then read as absent
        data = {k: v for k, v in data.items() if k not in wrong}
    unit_id = _text(data["id"]) if data.get("id") not in (None, "") else None

    def error(message: str, field: str | None = None) -> None:
        place = record.places.get(field, where) if field else where
        errors.append(SubmissionError(file, message, unit_id, field, place))

    for field, message in wrong.items():
        error(message, field)
    for field in ("id", "name", "block"):
        if data.get(field) in (None, "") and field not in wrong:
            error(f"the unit has no {field!r}", field)
    if not data.keys() <= KNOWN_FIELDS:
        for key in data:
            if key not in KNOWN_FIELDS:
                error(f"unknown field {key!r}", key)
    if data.get("block") in (None, ""):
        return errors
    try:
        block = pack.block(_text(data["block"]))
    except KeyError:
        known = ", ".join(b.id for b in pack.blocks)
        error(f"unknown block {_text(data['block'])!r} (this pack has: {known})", "block")
        return errors
    unit_name = _text(data["name"]) if data.get("name") not in (None, "") else None
    excluded = bool(pack.excluded) and pack.excluded_unit(unit_id, unit_name) is not None
    raw_inputs: Mapping[str, Any] = {} if excluded else (data.get("inputs") or {})
    inputs: dict[str, Any] = {}
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
                if "inputs" not in wrong:  # not once per input when 'inputs' is no object
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
    if record.problems:  # cells the reader reported: not reported again as missing
        skip = {e.field for e in record.problems}
        errors[:] = [e for e in errors if e.field not in skip]
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
        and int(period[:4]) >= dt.MINYEAR  # "0000" is no year: the period check says so
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
    for message, field in identity_problems(pack, data, unit_id, block.id, period):
        error(message, field)
    if errors or record.problems:  # the reader's own problems were reported as it read
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

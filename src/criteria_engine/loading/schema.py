"""JSON Schema validation of raw YAML data, every error mapped to its file position.

The schemas ship in ``criteria_engine/schemas``. The YAML reader gives exact decimals and
dates, not JSON's floats and strings, so the validator's type checker is widened: an
integral ``Decimal`` is an ``integer`` and a :class:`datetime.date` is of the added type
``date``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from decimal import Decimal
from importlib import resources
from typing import TYPE_CHECKING, Any

import jsonschema
from jsonschema import validators

from ..model.pack import INPUT_TYPES

if TYPE_CHECKING:
    from ..model.problems import Problem
    from .yaml_reader import YamlDocument


def _is_integer(checker: Any, instance: Any) -> bool:
    if isinstance(instance, bool):
        return False
    if isinstance(instance, Decimal):
        return instance == instance.to_integral_value()
    return isinstance(instance, int)


def _is_date(checker: Any, instance: Any) -> bool:
    return isinstance(instance, dt.date)


_TYPES = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine_many(
    {"integer": _is_integer, "date": _is_date}
)
_Validator = validators.extend(jsonschema.Draft202012Validator, type_checker=_TYPES)


@functools.cache
def validator(name: str) -> Any:
    """The compiled validator of ``schemas/<name>.schema.json`` (built once)."""
    text = resources.files("criteria_engine.loading.schemas").joinpath(f"{name}.schema.json")
    schema = json.loads(text.read_text(encoding="utf-8"))
    schema = json.loads(json.dumps(schema).replace('"format": "date"', '"type": "date"'))
    if name == "block":  # the input types are the model's, listed once
        schema["$defs"]["input"]["properties"]["type"]["enum"] = list(INPUT_TYPES)
    return _Validator(schema)


def _message(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"unknown key{'s' if len(extra) > 1 else ''}: {', '.join(map(repr, extra))}"
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")
    if error.validator == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        return f"{error.instance!r} is not one of: {allowed}"
    if error.validator == "type" and error.validator_value == "date":
        return f"{error.instance!r} is not a date (write YYYY-MM-DD)"
    return error.message


def schema_problems(doc: YamlDocument, schema: str) -> list[Problem]:
    """Every schema error of a YAML document, each at the position of the value at fault."""
    problems = []
    for error in validator(schema).iter_errors(doc.data):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            path = (*path, extra[0]) if extra else path
        problems.append(doc.problem(path, "schema", _message(error)))
    return problems

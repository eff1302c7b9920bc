"""Submissions: read records from JSON, YAML, CSV and Excel, and check each one against
its block's inputs, converting every value exactly.

Each input type (number, integer, percent, yes/no, choice, date, text) is one entry of
``types.TYPES``: its conversion, JSON Schema, Excel rule and test data together.

The Excel modules (``workbook`` to read, ``forms`` to write blank survey forms) load
openpyxl only when used.
"""

from .records import Record, Submission, SubmissionError, check_record, read_records
from .schema import empty_submission, submission_schema, unit_schema
from .values import ValueProblem, convert

__all__ = [
    "Record",
    "Submission",
    "SubmissionError",
    "ValueProblem",
    "check_record",
    "convert",
    "empty_submission",
    "read_records",
    "submission_schema",
    "unit_schema",
]

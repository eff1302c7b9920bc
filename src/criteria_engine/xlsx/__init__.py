"""Excel in and out: survey forms to fill in, filled forms read back, results workbooks.

Offices run this evaluation in Excel, so the engine meets them there. A survey form is a
workbook the engine can read back without guessing: a hidden ``_meta`` sheet names the
pack, the block and the layout, column A of the form holds each row's machine name, and
only the answer cells are unlocked. Reading turns each filled form (or each row of a
district's collection workbook) into the same raw record a JSON file gives, so
:func:`~criteria_engine.submissions.check_record` checks both alike; only what a JSON file
cannot hold (formulas, merged cells, a file that is not a workbook) is refused here.

openpyxl is imported inside the functions: the CLI must start fast without it.
"""

from .forms import survey_form
from .reading import read_workbook
from .results import results_workbook, tables_workbook

__all__ = ["read_workbook", "results_workbook", "survey_form", "tables_workbook"]

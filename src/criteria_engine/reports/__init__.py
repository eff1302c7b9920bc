"""Reports: tables built from a batch's results, rendered in the formats offices open.

:mod:`.formats` holds the output formats, one registry looked up by name.
"""

from .base import Report, ReportContext, Table
from .formats import FORMATS, OutputFormat, output_format, render_tables
from .registry import available_reports, find_report

__all__ = [
    "FORMATS",
    "OutputFormat",
    "Report",
    "ReportContext",
    "Table",
    "available_reports",
    "find_report",
    "output_format",
    "render_tables",
]

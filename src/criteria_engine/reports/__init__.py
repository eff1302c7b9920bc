"""Reports: tables built from a batch's results, rendered in the formats offices open."""

from .base import Report, ReportContext, Table, render_tables

__all__ = ["Report", "ReportContext", "Table", "render_tables"]

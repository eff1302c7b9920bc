"""Compile a formula written in a pack file, mapping DSL errors to file positions.

A formula is a YAML value inside a larger file; the DSL reports positions inside the
formula text. This module turns those into ``file:line:col`` of the pack file, so that an
IT officer's editor jumps to the right character.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..dsl import DslError, Scope, Type, compile_formula
from ..model.problems import Problem

if TYPE_CHECKING:
    from ..dsl import Formula
    from .yaml_reader import Path, YamlDocument


def formula_text(value: Any) -> str:
    """The source text of a formula value (YAML may hand a bare number or boolean)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _file_position(
    doc: YamlDocument, path: Path, line: int | None, column: int | None
) -> tuple[int | None, int | None]:
    """Where formula ``line``/``column`` (from 1) stands in the YAML file."""
    vline, vcol = doc.positions.get((*path, ""), doc.where(path))
    if vline is None or line is None:
        return vline, vcol
    first = doc.line_text(vline) or ""
    lead = first[vcol - 1 : vcol] if vcol else ""
    if lead in ("|", ">"):  # block scalar: the formula starts on the next line
        text_line = doc.line_text(vline + line) or ""
        indent = len(text_line) - len(text_line.lstrip(" "))
        return vline + line, indent + (column or 1)
    if line == 1:
        shift = 1 if lead in ("'", '"') else 0
        return vline, vcol + shift + (column or 1) - 1
    return vline + line - 1, column


def compile_at(
    doc: YamlDocument,
    path: Path,
    value: Any,
    scope: Scope,
    problems: list[Problem],
    *,
    expect: Type | None = Type.NUMBER,
    origin: str | None = None,
) -> Formula | None:
    """Compile the formula at ``path`` of ``doc``; on error add problems and return None."""
    try:
        return compile_formula(formula_text(value), scope, expect=expect, origin=origin)
    except DslError as exc:
        for item in getattr(exc, "problems", None) or (exc,):
            line, column = _file_position(
                doc, path, getattr(item, "line", None), getattr(item, "column", None)
            )
            message = getattr(item, "message", None) or str(item)
            problems.append(
                doc.problem(
                    path,
                    getattr(item, "code", None) or "formula",
                    message,
                    getattr(item, "hint", None),
                    line=line,
                    column=column,
                )
            )
        return None

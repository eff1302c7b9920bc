"""Write a new pack folder from templates: ``criteria-engine new NAME``.

The new pack is complete and correct from the first minute — it loads, every invariant
holds and every case passes — so an author starts from something that works and changes
one thing at a time, re-running ``check --deep`` and ``test`` after each change. It shows
each formula idiom once (share × maximum, step table, yes/no points, capped sum, a
criterion that may not apply), has example submissions, cases for the boundary and
workflow rules, a README with the provenance checklist, and a ``pyproject.toml`` that
publishes it as its own distribution, found through the ``criteria_engine`` entry points.

Templates are plain files under ``templates/`` with ``${name}``-style fields
(:class:`string.Template`); a path part ``__year__`` becomes the evaluation year.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ..dsl.errors import CriteriaEngineError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from importlib.resources.abc import Traversable

__all__ = ["NAME_PATTERN", "ScaffoldError", "create_pack", "template_files"]

#: A pack name: what users type, and part of a Python module name.
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")
_SUFFIX = ".tmpl"


class ScaffoldError(CriteriaEngineError, ValueError):
    """The pack cannot be created (a bad name, or the folder is already there)."""


def _walk(
    folder: Traversable, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Traversable]]:
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            yield from _walk(entry, (*prefix, entry.name))
        elif entry.name.endswith(_SUFFIX):
            yield (*prefix, entry.name[: -len(_SUFFIX)]), entry


def template_files() -> list[tuple[tuple[str, ...], Traversable]]:
    """``(relative path parts, template)`` for every file of a new pack."""
    return list(_walk(resources.files(__name__) / "templates"))


def create_pack(
    name: str, directory: str | Path = ".", *, province: str | None = None, year: int | None = None
) -> Path:
    """Create the pack folder ``directory/name`` and return it.

    ``province`` fills the titles (default: a placeholder to replace); ``year`` is the
    evaluation year of the examples, deadlines and decision dates (default: this year).
    """
    if not NAME_PATTERN.match(name):
        raise ScaffoldError(
            f"{name!r} is not a pack name: use lowercase letters, digits and _, "
            "starting with a letter (e.g. quangbinh)"
        )
    target = Path(directory) / name
    if target.exists() and any(target.iterdir()):
        raise ScaffoldError(f"{target} already exists and is not empty")
    year = year or dt.date.today().year
    fields = {
        "name": name,
        "province": province or "Tỉnh Mẫu",
        "year": str(year),
        "next_year": str(year + 1),
        "module": f"criteria_pack_{name}",
        "distribution": f"criteria-pack-{name.replace('_', '-')}",
    }
    for parts, template in template_files():
        relative = Path(*(str(year) if p == "__year__" else p for p in parts))
        if relative.name == "gitignore":
            relative = relative.with_name(".gitignore")
        text = string.Template(template.read_text(encoding="utf-8")).substitute(fields)
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return target

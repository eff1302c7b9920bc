"""Registers the packs bundled with criteria-engine, the same way an outside pack does."""

from __future__ import annotations

from pathlib import Path

from criteria_engine import hookimpl

_HERE = Path(__file__).resolve().parent


@hookimpl
def criteria_engine_pack_dirs() -> list[Path]:
    """Every folder here holding a ``pack.yaml``, and version folders one level below."""
    found = []
    for folder in sorted(_HERE.iterdir()):
        if not folder.is_dir():
            continue
        if (folder / "pack.yaml").is_file():
            found.append(folder)
        found += [
            sub
            for sub in sorted(folder.iterdir())
            if sub.is_dir() and (sub / "pack.yaml").is_file()
        ]
    return found

"""Find packs: installed ones by name (and version), or any folder by path.

Several versions of one province's pack may be installed side by side (each a folder with
its own ``pack.yaml`` and the same ``name``). A user names one as ``name@version``, or
names just the province and lets the evaluation period pick the version in force: the
latest whose decision took effect on or before the end of that year.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from ..dsl.errors import CriteriaEngineError
from ..model.problems import PackError, Problem
from ..plugins.manager import get_plugin_manager, register_pack_plugin
from .yaml_reader import read_yaml_file

if TYPE_CHECKING:
    from ..model.pack import Pack


@attrs.frozen
class PackRef:
    """What a pack is, read from its ``pack.yaml`` header without compiling anything."""

    name: str
    version: str | None
    effective: dt.date | None
    title: str
    decision: str
    path: Path

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}" if self.version else self.name


class PackNotFound(CriteriaEngineError, LookupError):
    """No pack of that name or path, or no version of it in force for the period."""


def pack_ref(folder: Path) -> PackRef | None:
    """The pack version in ``folder`` as its ``pack.yaml`` names it, without loading the
    pack; None when there is no readable ``pack.yaml`` with a name (listing packs, or a
    case looking for the versions beside its own, skips such a folder)."""
    try:
        data = read_yaml_file(str(folder / "pack.yaml")).data
        decision = data.get("decision") or {}
        version = data.get("version")
        effective = decision.get("effective") or decision.get("signed")
        return PackRef(
            name=str(data["name"]),
            version=None if version is None else str(version),
            effective=effective if isinstance(effective, dt.date) else None,
            title=str(data.get("title", "")),
            decision=str(decision.get("number", "")),
            path=folder,
        )
    except (PackError, KeyError, TypeError, AttributeError):
        return None


def installed() -> list[PackRef]:
    """Every installed pack version, sorted by name then effective date."""
    refs = []
    for dirs in get_plugin_manager().hook.criteria_engine_pack_dirs():
        for folder in dirs or ():
            ref = pack_ref(Path(str(folder)))
            if ref is not None:
                refs.append(ref)
    return sorted(refs, key=lambda r: (r.name, r.effective or dt.date.min))


def versions(name: str) -> list[PackRef]:
    return [r for r in installed() if r.name == name]


def in_force(refs: list[PackRef], period: str | None) -> PackRef | None:
    """The version in force for evaluation year ``period`` (the latest if none is given)."""
    if not refs:
        return None
    if period is None or not period[:4].isdigit():
        return refs[-1]
    year_end = dt.date(int(period[:4]), 12, 31)
    candidates = [r for r in refs if r.effective is None or r.effective <= year_end]
    return candidates[-1] if candidates else None


def find(name_or_path: str | Path, *, period: str | None = None) -> Path:
    """The folder of a pack given by path, ``name``, or ``name@version``."""
    text = str(name_or_path)
    path = Path(text)
    if (path / "pack.yaml").is_file():
        return path
    name, _, version = text.partition("@")
    refs = versions(name)
    if not refs:
        known = ", ".join(sorted({r.name for r in installed()})) or "none"
        raise PackNotFound(
            f"no pack named {name!r} (installed: {known}), and no folder {text!r} with a pack.yaml"
        )
    if version:
        for ref in refs:
            if ref.version == version:
                return ref.path
        have = ", ".join(r.label for r in refs)
        raise PackNotFound(f"pack {name!r} has no version {version!r} (installed: {have})")
    ref = in_force(refs, period)
    if ref is None:
        first = refs[0]
        raise PackNotFound(
            f"no version of pack {name!r} was in force in {period}: the "
            f"earliest, {first.decision}, took effect on {first.effective}"
        )
    return ref.path


def _build(folder: Path) -> Pack:
    from .pack_dir import load_pack_dir  # the formula machinery loads only when needed

    return load_pack_dir(folder)


@functools.lru_cache(maxsize=64)
def _load(folder: Path) -> Pack:
    from .cache import load_cached

    pack = load_cached(folder, _build)
    try:
        register_pack_plugin(pack)
    except Exception as exc:  # a broken plugin.py is the pack author's error, not a crash
        raise PackError(
            [
                Problem(
                    "plugin",
                    f"cannot import the pack's plugin: {exc}",
                    file=str(folder / (pack.plugin or "")),
                )
            ],
            pack=pack.name,
        ) from exc
    return pack


def load_pack(name_or_path: str | Path, *, period: str | None = None) -> Pack:
    """Load a pack by name, ``name@version`` or folder path (cached per folder).

    With ``period`` (an evaluation year such as ``"2020"``) and several versions
    installed, the version in force that year is chosen.
    """
    return _load(find(name_or_path, period=period).resolve())

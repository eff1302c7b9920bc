"""Loaded packs kept on disk, keyed by the pack's content (see :mod:`..dsl.codecache`).

Loading a pack reads and validates every file and parses, checks and compiles hundreds
of formulas; the result depends only on those files and on the library. A loaded pack is
therefore stored, with each formula's generated code, under a hash of every file of the
pack folder (its tests, examples and cases aside), the folder's path and the library's
loading code. The next load of the same files takes the stored pack without reading a
formula; any change to any of them misses the cache and loads (and validates) afresh. A
pack that fails to load is never stored, so its problems are reported every time.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..dsl import codecache
from ..dsl.compile import Formula, formula_state, restore_formula
from ..model.pack import Pack

__all__ = ["load_cached", "pack_key"]

#: Folders of a pack that loading never reads.
_SKIP = frozenset({"tests", "examples", "cases", "__pycache__"})
_PACKAGE = Path(__file__).resolve().parent.parent


def _library_stamp() -> bytes:
    folders = ("dsl", "model", "loading")
    return codecache.source_stamp(*(str(_PACKAGE / name) for name in folders))


def pack_key(folder: Path) -> str:
    """A hex digest of everything loading ``folder`` depends on."""
    digest = hashlib.sha256(_library_stamp())
    digest.update(str(folder).encode() + b"\0")
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP and not d.startswith("."))
        for name in sorted(files):
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                content = hashlib.sha256(handle.read()).digest()
            digest.update(os.path.relpath(path, folder).encode() + b"\0" + content)
    return digest.hexdigest()


class _Pickler(pickle.Pickler):
    """Stores each formula as its trees and generated code, not as text to compile again."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is Formula:
            return restore_formula, (formula_state(obj),)
        return NotImplemented


def _covered(pack: Pack, folder: Path) -> bool:
    """Whether every file the pack was built from is among those :func:`pack_key` hashes."""
    root = folder.resolve()
    for block in pack.blocks:
        try:
            inside = Path(block.file).resolve().relative_to(root)
        except ValueError:
            return False
        if any(part in _SKIP or part.startswith(".") for part in inside.parts[:-1]):
            return False
    return True


def _ready(pack: Pack, key: str) -> Pack:
    for block in pack.blocks:  # later layers key what they derive from a block on this
        block.derived["content_key"] = f"{key}:{block.id}"
    return pack


def load_cached(folder: Path, build: Callable[[Path], Pack]) -> Pack:
    """``build(folder)``, or the pack it built before from the very same files."""
    if codecache.cache_dir() is None:
        return build(folder)
    try:
        key = pack_key(folder)
    except OSError:
        return build(folder)  # an unreadable file: let loading report it
    payload = codecache.read("packs", key)
    if payload is not None:
        try:
            pack = pickle.loads(payload)
        except Exception:  # an entry from an incompatible build: rebuild it
            pack = None
        if isinstance(pack, Pack):
            return _ready(pack, key)
    pack = build(folder)
    if _covered(pack, folder):
        buffer = io.BytesIO()
        try:
            _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(pack)
        except (pickle.PicklingError, TypeError, AttributeError):
            return _ready(pack, key)  # something in it cannot be stored: just not cached
        codecache.write("packs", key, buffer.getvalue())
    return _ready(pack, key)

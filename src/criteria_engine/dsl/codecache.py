"""An on-disk cache of generated code, checked the way Python checks its bytecode cache.

Reading a pack's files and compiling its formulas is most of the time a command takes to
start, and it gives the same result every time the files and the library are the same.
So what was built is kept in a user cache folder, under a key that is a hash of exactly
what it was built from (the caller's files, the library's own source, the Python
version). An entry is only used when its key matches and its content hash checks; anything
else (a changed file, another library version, a truncated or corrupt entry) is ignored
and rebuilt. When the folder cannot be written the cache is simply not used.

The folder is ``$CRITERIA_ENGINE_CACHE`` when set (``off`` turns the cache off), else
``$XDG_CACHE_HOME/criteria-engine``, else ``~/.cache/criteria-engine``.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

__all__ = ["cache_dir", "read", "source_stamp", "write"]

_MAGIC = b"criteria-engine code cache 1\n"
#: Entries kept per kind; the oldest are removed beyond it (pack copies in temp folders
#: would otherwise pile up).
_KEEP = 256


def cache_dir() -> Path | None:
    """The cache folder, or ``None`` when caching is turned off."""
    chosen = os.environ.get("CRITERIA_ENGINE_CACHE")
    if chosen is not None:
        if chosen.strip().lower() in ("", "0", "off", "no", "none"):
            return None
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "criteria-engine"


@functools.cache
def source_stamp(*folders: str) -> bytes:
    """A hash of the Python version and of the name, size and modification time of every
    source file in ``folders`` (the code that builds what is cached): when any changes,
    every entry built by the old code stops matching."""
    digest = hashlib.sha256(importlib.util.MAGIC_NUMBER + sys.version.encode())
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".py", ".json", ".lark")):
                    stat = os.stat(os.path.join(root, name))
                    digest.update(f"{root}/{name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.digest()


def _entry(kind: str, key: str) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / kind / f"{key}.bin"


def read(kind: str, key: str) -> bytes | None:
    """The payload stored under ``key`` (a hex digest), or ``None`` if there is no sound
    entry: a missing, unreadable, truncated or altered entry is never returned."""
    path = _entry(kind, key)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + 64 + 32
    if len(data) < head or not data.startswith(_MAGIC):
        return None
    stored_key = data[len(_MAGIC) : len(_MAGIC) + 64].decode("ascii", "replace")
    checksum, payload = data[len(_MAGIC) + 64 : head], data[head:]
    if stored_key != key or hashlib.sha256(payload).digest() != checksum:
        return None
    return payload


def write(kind: str, key: str, payload: bytes) -> None:
    """Store ``payload`` under ``key``, atomically; any failure leaves the cache as it was."""
    path = _entry(kind, key)
    if path is None or len(key) != 64:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(_MAGIC + key.encode("ascii") + hashlib.sha256(payload).digest())
                out.write(payload)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
        _prune(path.parent.iterdir())
    except OSError:
        return  # a read-only or full disk: run without the cache


def _prune(entries: Iterable[Path]) -> None:
    """Keep the :data:`_KEEP` most recently written entries of a kind."""
    found = []
    for entry in entries:
        try:
            found.append((entry.stat().st_mtime_ns, entry))
        except OSError:
            continue
    if len(found) <= _KEEP:
        return
    found.sort()
    for _, entry in found[: len(found) - _KEEP]:
        try:
            entry.unlink()
        except OSError:
            continue

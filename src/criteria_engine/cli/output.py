"""Where a command's results go: the ``-o`` path checked before any work, written whole.

A batch of a province's units can take minutes; finding only afterwards that ``-o`` names
a folder that does not exist, a directory or a place nobody may write loses the run. So the
path is checked first (exit 2, nothing evaluated), and the file is written to a temporary
file beside it and moved into place in one step (:func:`os.replace`): a full disk or a
Ctrl-C leaves the previous file as it was, never half a workbook.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import click

from .errors import OutputProblem


def check_output(output: str | None, *, binary: bool = False, inputs: Iterable[Path] = ()) -> None:
    """Refuse, before any work, an output that cannot be written (exit 2).

    ``binary``: the format cannot go to a terminal, so ``-o`` is required. ``inputs``: the
    submission files, which the output must not overwrite.
    """
    if output is None:
        if binary:
            raise click.UsageError("this format is binary: give -o FILE")
        return
    path = Path(output)
    if not output.strip():
        raise OutputProblem("-o names no file")
    if path.is_dir():
        raise OutputProblem(f"-o {output}: this is a folder; give a file name inside it")
    folder = path.parent
    if not folder.exists():
        raise OutputProblem(f"-o {output}: the folder {folder} does not exist; create it first")
    if not folder.is_dir():
        raise OutputProblem(f"-o {output}: {folder} is a file, not a folder")
    target = path.resolve()
    if any(target == p.resolve() for p in inputs):
        raise OutputProblem(f"-o {output}: this is one of the submission files being read")
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputProblem(f"-o {output}: the file is read-only")
    try:  # the one sure test that the folder takes a new file (permissions, read-only disk)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".criteria-engine-", delete=True):
            pass
    except OSError as exc:
        raise OutputProblem(
            f"-o {output}: cannot write in {folder}: {exc.strerror or exc}"
        ) from None


def _mode_for(path: Path) -> int:
    """The permissions the file gets: an existing file keeps its own, a new one gets what
    ``open`` would give it (0666 less the umask), not the temporary file's 0600."""
    with contextlib.suppress(OSError):
        return path.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_output(content: str | bytes | Iterable[str | bytes], output: str | None) -> None:
    """Print ``content`` (no ``-o``) or write it to ``output`` whole, or not at all.

    ``content`` may come in pieces (a format's :meth:`stream_batch`): each is written as
    it comes, and the file still appears only once it is complete."""
    chunks = (content,) if isinstance(content, str | bytes) else content
    if output is None:
        for chunk in chunks:
            if isinstance(chunk, bytes):
                raise click.UsageError("this format is binary: give -o FILE")
            click.echo(chunk, nl=False)
        return
    path = Path(output)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as f:
            for chunk in chunks:
                f.write(chunk if isinstance(chunk, bytes) else chunk.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except BaseException as exc:  # Ctrl-C too: never leave the temporary file behind
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise OutputProblem(f"cannot write {output}: {exc.strerror or exc}") from None
        raise
    click.echo(f"wrote {output}", err=True)

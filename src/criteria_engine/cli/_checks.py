"""What the batch commands check and add around the library's answers: a ``--block``
the pack has (before any work), and the caveats under one unit's explanation."""

from __future__ import annotations

import difflib
from pathlib import Path

import click


def check_block(pack, block_id: str | None) -> None:
    """A ``--block`` the pack does not have is refused before any work, with the closest."""
    known = [b.id for b in pack.blocks]
    if block_id and block_id not in known:
        close = difflib.get_close_matches(block_id, known, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise click.UsageError(
            f"no block {block_id!r} in {pack.label} (blocks: {', '.join(known)}){hint}"
        )


def unit_caveats(pack, paths: list[Path], unit_id: str, state: str) -> str:
    """The caveats under one unit's explanation: the state, its block's provenance and
    the note of the file it came from."""
    from ..evaluation.batch import RecordWatch
    from ..inputs.records import Record, read_records
    from ..reports.caveats import CAVEATS_TITLE, caveats

    watch = RecordWatch()
    found = next(
        (
            r
            for r in watch.watch(read_records(paths))
            if isinstance(r, Record) and str(r.data.get("id") or "").strip() == unit_id
        ),
        None,
    )
    block = [str(found.data.get("block"))] if found is not None else None
    notes = [n for n in watch.notes.values() if found is not None and n.file == found.file]
    lines = caveats(pack, blocks=block, state=state, notes=notes)
    return "\n".join([f"\n{CAVEATS_TITLE}:", *(f"  - {line}" for line in lines)])

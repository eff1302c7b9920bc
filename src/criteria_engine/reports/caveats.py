"""What is not official about a set of results, said in every output.

Tables, workbooks and pages of scores look official whatever stands behind them. The
bundled packs reconstruct criteria the decisions do not publish, the bundled examples are
invented, and a draft is not yet approved by the UBND tỉnh: a reader must see all three
wherever the figures appear. :func:`caveats` computes these lines once, from the pack
(each criterion's ``provenance.status``), the batch (its approval ``state`` and the
``note`` at the top of each submission file) and, where a command narrowed the output,
the blocks shown; every output format prints the same list (see :mod:`.formats`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..model.results import STATE_LABELS

if TYPE_CHECKING:
    from ..evaluation.batch import BatchOutcome, FileNote
    from ..model.pack import Block, Pack
    from .base import ReportContext

#: the heading every format puts above the caveats
CAVEATS_TITLE = "Lưu ý về trạng thái và nguồn gốc kết quả"
#: the provenance status of a criterion copied from the decision itself
TRANSCRIBED = "transcribed"
_STATUS_WORDS = {"reconstructed": "tái dựng (reconstructed)", None: "không ghi nguồn (provenance)"}
#: how each file's note begins in :func:`caveats` (a workbook shows these on a sheet of
#: their own, see :func:`is_file_note`)
NOTE_PREFIX = "Ghi chú của "
_LISTED = 12  # criteria ids named before "…"
_FILES_NAMED = 3  # files named for one note before "và n tệp khác"


def _ids(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:_LISTED])
    return shown + (f" … (và {len(ids) - _LISTED} tiêu chí khác)" if len(ids) > _LISTED else "")


def _block_name(block: Block) -> str:
    return block.title if block.title.lower().startswith("khối") else f"khối {block.title}"


def _block_names(blocks: Sequence[Block], pack: Pack) -> str:
    if len(blocks) == 1:
        return _block_name(blocks[0])
    every = "cả " if len(blocks) == len(pack.blocks) else ""
    return f"{every}{len(blocks)} khối ({'; '.join(b.title for b in blocks)})"


def provenance_caveats(pack: Pack, blocks: Sequence[Block]) -> list[str]:
    """Which criteria of ``blocks`` are not transcribed from the decision, said compactly:
    one line when every criterion of every block shown is reconstructed, else per block."""
    statuses = {
        b.id: [(c.id, c.provenance.status if c.provenance else None) for c in b.all_criteria()]
        for b in blocks
    }
    decision = f"Quyết định {pack.decision.number}"
    consequence = (
        f"không chép nguyên văn từ {decision}: điểm tối đa, công thức và vì thế điểm, mức, "
        "thứ hạng có thể khác kết quả chính thức"
    )
    kinds = {status for rows in statuses.values() for _, status in rows}
    if kinds == {"reconstructed"}:
        count = sum(len(rows) for rows in statuses.values())
        return [
            f"Tất cả {count} tiêu chí của {_block_names(blocks, pack)} là tái dựng "
            f"(reconstructed), {consequence}."
        ]
    lines = []
    for block in blocks:
        rows = statuses[block.id]
        by_status = Counter(status for _, status in rows)
        for status, count in by_status.items():
            if status == TRANSCRIBED:
                continue
            words = _STATUS_WORDS.get(status, f"có nguồn '{status}'")
            ids = [cid for cid, s in rows if s == status]
            name = _block_name(block)
            lines.append(
                f"{name[0].upper()}{name[1:]}: {count}/{len(rows)} tiêu chí là {words}, "
                f"{consequence}: {_ids(ids)}."
            )
    return lines


def note_caveats(notes: Iterable[tuple[str, str]]) -> list[str]:
    """Each distinct note of the submission files, once, naming the files that carry it."""
    files_of: dict[str, list[str]] = {}
    for file, note in notes:
        files_of.setdefault(note, []).append(file)
    lines = []
    for note, files in files_of.items():
        named = ", ".join(files[:_FILES_NAMED])
        if len(files) > _FILES_NAMED:
            named += f" và {len(files) - _FILES_NAMED} tệp khác"
        word = "tệp" if len(files) == 1 else f"{len(files)} tệp"
        lines.append(f"{NOTE_PREFIX}{word} số liệu {named}: {note}")
    return lines


def is_file_note(line: str) -> bool:
    """Whether a line of :func:`caveats` is a submission file's note."""
    return line.startswith(NOTE_PREFIX)


def caveats(
    pack: Pack,
    outcome: BatchOutcome | None = None,
    blocks: Iterable[str] | None = None,
    *,
    state: str | None = None,
    notes: Iterable[FileNote] | None = None,
) -> list[str]:
    """Every caveat of these results, as lines of text: the approval state, the pack's
    provenance and the notes of the submission files.

    The state and the notes are the outcome's unless given (``explain`` has one unit and
    no batch). ``blocks`` limits the provenance to the blocks shown; by default, the
    blocks of the outcome's tables (all of them when there is no outcome or no table).
    """
    state = state or (outcome.state if outcome is not None else None)
    lines = [f"Trạng thái kết quả: {STATE_LABELS[state]}."] if state else []
    shown = list(blocks) if blocks is not None else list(outcome.tables) if outcome else []
    in_scope = [b for b in pack.blocks if b.id in shown] or list(pack.blocks)
    lines += provenance_caveats(pack, in_scope)
    if notes is None:
        notes = outcome.notes if outcome is not None else ()
    lines += note_caveats((n.file, n.note) for n in notes)
    return lines


def context_caveats(ctx: ReportContext | None) -> list[str]:
    """:func:`caveats` of what a renderer is given, and the state of the previous period's
    results it compares with; none without a context (``show`` prints the pack alone)."""
    if ctx is None:
        return []
    lines = caveats(ctx.pack, ctx.outcome)
    previous = ctx.previous
    if previous is not None:
        period = f" ({previous.period})" if previous.period else ""
        state = STATE_LABELS.get(previous.state, previous.state)
        lines.insert(1, f"Kết quả kỳ trước{period} dùng để so sánh: {state}.")
    return lines

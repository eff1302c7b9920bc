"""Evidence documents (tài liệu kiểm chứng) per criterion: checked on their bytes.

A file's name and declared type say nothing: what is accepted is what its first bytes
are — PDF, PNG, JPEG, an Office Open XML or OpenDocument file (a zip with the matching
entries), or an old Office file (OLE compound document). Files are kept in the database,
or, when a folder is configured, in that folder under their SHA-256 (written and synced
before the row that names them is committed, so a committed row always has its file).
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit, engine, rounds
from .drafts import get_row, require_writable
from .errors import conflict, invalid, not_found, too_large
from .models import Evidence
from .permissions import Actor, require_unit
from .settings import Settings
from .store import as_utc, utcnow

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "office-zip": "application/zip",
    "office-ole": "application/x-ole-storage",
}


def sniff(data: bytes) -> str | None:
    """The kind of document ``data`` is, from its bytes; None when not accepted."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "office-ole"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" in names or "mimetype" in names:
            return "office-zip"
    return None


def _entry(e: Evidence) -> dict[str, Any]:
    return {
        "id": e.id,
        "criterion": e.criterion,
        "filename": e.filename,
        "kind": e.kind,
        "size": e.size,
        "sha256": e.sha256,
        "uploaded_at": as_utc(e.uploaded_at).isoformat(),
        "uploaded_by": e.uploaded_by,
    }


def list_evidence(session: Session, round_id: int, unit_id: str) -> list[dict[str, Any]]:
    query = (
        select(Evidence)
        .where(Evidence.round_id == round_id, Evidence.unit_id == unit_id)
        .order_by(Evidence.id)
    )
    return [_entry(e) for e in session.scalars(query)]


def upload(
    session: Session,
    settings: Settings,
    actor: Actor,
    round_id: int,
    unit_id: str,
    criterion: str | None,
    filename: str,
    data: bytes,
) -> dict[str, Any]:
    """``POST …/evidence``: keep one document for one criterion of a unit's draft."""
    round_row = rounds.get_round(session, round_id, lock="share")
    require_unit(session, actor, "units.write", round_id, unit_id)
    row = get_row(session, round_id, unit_id, lock=True)
    listed = rounds.roster_unit(session, round_row, unit_id)
    block = row.block if row is not None else (listed.block if listed else None)
    if block is None:
        raise conflict("Lưu bản nháp của đơn vị trước khi tải tài liệu lên", "no-draft")
    require_writable(actor, round_row, block, row)
    pack = engine.load_pack(round_row.pack)
    if not criterion or criterion not in engine.criterion_ids(pack, block):
        raise invalid(f"Không có tiêu chí {criterion!r} trong khối {block}", "criterion")
    if len(data) > settings.max_upload:
        raise too_large(settings.max_upload)
    if not data:
        raise invalid("Tệp rỗng", "file")
    kind = sniff(data)
    if kind is None:
        raise invalid(
            "Chỉ nhận PDF, ảnh PNG/JPEG hoặc văn bản Office (kiểm tra theo nội dung tệp)", "file"
        )
    digest = hashlib.sha256(data).hexdigest()
    path = None
    if settings.evidence_dir:
        folder = Path(settings.evidence_dir) / str(round_id)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / digest
        if not target.exists():
            temp = folder / f".{digest}.{os.getpid()}.part"
            with open(temp, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, target)
        path = str(target)
    entry = Evidence(
        round_id=round_id, unit_id=unit_id, criterion=criterion,
        filename=Path(filename or "tai-lieu").name[:300], kind=kind, size=len(data),
        sha256=digest, data=None if path else data, path=path, uploaded_at=utcnow(),
        uploaded_by=actor.login,
    )  # fmt: skip
    session.add(entry)
    session.flush()
    audit.record(
        session, actor.login, "upload", round_id=round_id, unit_id=unit_id,
        criterion=criterion, filename=entry.filename, kind=kind, size=len(data), sha256=digest,
    )  # fmt: skip
    return _entry(entry)


def download(
    session: Session, actor: Actor, round_id: int, unit_id: str, evidence_id: int
) -> tuple[bytes, str, str]:
    """The bytes, media type and file name of one document."""
    rounds.get_round(session, round_id)
    require_unit(session, actor, "units.read", round_id, unit_id)
    entry = session.get(Evidence, evidence_id)
    if entry is None or entry.round_id != round_id or entry.unit_id != unit_id:
        raise not_found("Không có tài liệu này")
    data = entry.data if entry.data is not None else Path(entry.path or "").read_bytes()
    return data, MEDIA_TYPES.get(entry.kind, "application/octet-stream"), entry.filename

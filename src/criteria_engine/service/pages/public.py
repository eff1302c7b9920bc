"""Public results: ``/ket-qua`` (no sign-in once a round is published).

Rankings per block with the HTML report's level chips, charts and score cards, each unit's
score card, search by name (listed in Vietnamese dictionary order), and downloads of the
Excel results and the HTML report — all rendered by the library from the round's
submitted records. The caveats and the decision are on every page. Before publication the
same pages are a preview for the admin and the verification team only (as the API's
``/results``).
"""

from __future__ import annotations

import threading
import unicodedata
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from .. import engine, publish, rounds
from ..errors import forbidden, not_found
from ..models import Round
from ..permissions import Actor, allowed
from .web import page, read, render, signed_in

router = APIRouter(include_in_schema=False)

#: the library's name for where results stand, by the round's state
RESULT_STATE = {"open": "draft", "approved": "approved", "published": "published"}
_CACHE: dict[tuple[int, str], dict[str, Any]] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 8


def _visible(row: Round, who: Actor | None) -> None:
    """Published: anyone. Before that: a preview for admin and reviewers (as the API)."""
    if row.state == "published":
        return
    if who is None or not allowed(who, "rounds.preview"):
        raise forbidden("Kết quả của đợt này chưa được công bố")


def computed(session: Any, row: Round) -> dict[str, Any]:
    """The round's batch, results, report views and caveats, from the engine. A published
    round's records are frozen, so its figures are kept (per process) once computed."""
    key = (row.id, row.published_at.isoformat() if row.published_at else "")
    if row.state == "published":
        with _CACHE_LOCK:
            found = _CACHE.get(key)
        if found is not None:
            return found
    pack = engine.load_pack(row.pack)
    outcome, results = engine.run_round(
        pack, publish.submitted_records(session, row), RESULT_STATE.get(row.state, "draft")
    )
    data = {
        "pack": pack,
        "outcome": outcome,
        "results": {r.unit_id: r for r in results},
        "blocks": engine.report_blocks(pack, outcome, results, row.period),
        "caveats": engine.report_caveats(pack, outcome),
        "caveats_title": engine.caveats_title(),
        "colours": engine.level_colours(pack),
    }
    if row.state == "published":
        with _CACHE_LOCK:
            if len(_CACHE) >= _CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[key] = data
    return data


def fold(text: str) -> str:
    """Text without tone marks and case, so "hai" finds "Hải" (đ is kept apart from d by
    Vietnamese spelling but typed as d on many keyboards: both match)."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in plain if unicodedata.category(c) != "Mn").casefold()


def search(data: dict[str, Any], query: str) -> list[Any]:
    """Units whose name (or id) contains ``query``, in Vietnamese dictionary order."""
    wanted = fold(query.strip())
    if not wanted:
        return []
    found = [
        s
        for table in data["outcome"].tables.values()
        for s in table
        if wanted in fold(s.name) or wanted in s.unit_id.casefold()
    ]
    return sorted(found, key=lambda s: (engine.sort_key(s.name), s.unit_id))


def _published_rounds(session: Any, who: Actor | None) -> list[dict[str, Any]]:
    listed = rounds.list_rounds(session)
    preview = who is not None and allowed(who, "rounds.preview")
    return [r for r in reversed(listed) if r["state"] == "published" or preview]


@router.get("/ket-qua")
@page
async def index(request: Request) -> Response:
    who = await signed_in(request)
    listed = await read(request, _published_rounds, who)
    return render(request, "public_index.html", title="Kết quả đánh giá đã công bố",
                  rounds=listed)  # fmt: skip


def _round_page(session: Any, who: Actor | None, rid: int) -> dict[str, Any]:
    row = rounds.get_round(session, rid)
    _visible(row, who)
    return {"round": row, **computed(session, row)}


@router.get("/ket-qua/{rid}")
@page
async def round_results(rid: int, request: Request) -> Response:
    who = await signed_in(request)
    data = await read(request, _round_page, who, rid)
    ids = [b.id for b in data["blocks"]]
    chosen = request.query_params.get("khoi") or (ids[0] if ids else "")
    if ids and chosen not in ids:
        raise not_found(f"Không có khối {chosen!r}")
    query = request.query_params.get("q", "")
    return render(
        request, "public_round.html", title=f"Kết quả {data['pack'].title}", **data,
        block=next((b for b in data["blocks"] if b.id == chosen), None), query=query,
        found=search(data, query), searched=bool(query.strip()),
    )  # fmt: skip


@router.get("/ket-qua/{rid}/units/{uid}")
@page
async def unit_card(rid: int, uid: str, request: Request) -> Response:
    who = await signed_in(request)
    data = await read(request, _round_page, who, rid)
    result = data["results"].get(uid)
    standing = next(
        (s for table in data["outcome"].tables.values() for s in table if s.unit_id == uid), None
    )
    if standing is None:
        raise not_found(f"Không có đơn vị {uid!r} trong kết quả")
    colour = data["colours"].get(standing.level or "", "#616e7c")
    card = {"result": result, "missing": [], "next": None, "colour": colour}
    return render(
        request, "public_unit.html", title=f"Phiếu điểm — {standing.name}", **data,
        standing=standing, card=card,
    )  # fmt: skip


DOWNLOADS = {
    "ket-qua.xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "bao-cao.html": ("html", "text/html; charset=utf-8"),
}


@router.get("/ket-qua/{rid}/{name}")
@page
async def download(rid: int, name: str, request: Request) -> Response:
    """The Excel results or the HTML report, as ``evaluate --format xlsx|html`` writes them."""
    if name not in DOWNLOADS:
        raise not_found("Không có tệp này")
    fmt, media = DOWNLOADS[name]
    who = await signed_in(request)
    data = await read(request, _round_page, who, rid)
    row = data["round"]
    body = engine.render_results(
        data["pack"], data["outcome"], list(data["results"].values()), row.period, fmt
    )
    filename = f"{row.pack_name}-{row.period}-{name}"
    return Response(
        body,
        media_type=media,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            "X-Content-Type-Options": "nosniff",
        },
    )

"""Rounds: create (admin), list, roster, approve, publish, results, changes, audit."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from .. import audit, publish, rounds
from ..errors import forbidden, unauthorized
from ..permissions import Actor, allowed, require
from .deps import ActorDep, ApiJSON, MaybeActor, in_read, in_write

router = APIRouter(prefix="/api/v1/rounds", tags=["rounds"])


class RosterEntry(BaseModel):
    id: str
    name: str | None = None
    block: str
    parent: str | None = Field(default=None, description="Đơn vị cấp trên (huyện) của xã")


class RoundBody(BaseModel):
    pack: str = Field(description="Gói tiêu chí: tên, tên@phiên bản (vd. gialai@2019)")
    period: str = Field(description="Kỳ đánh giá (năm), vd. 2019")
    deadlines: dict[str, str] | None = Field(
        default=None,
        description="Hạn nộp theo khối: {khối: thời điểm ISO 8601}; bỏ trống để lấy theo gói",
    )
    title: str | None = None
    units: list[RosterEntry] | None = Field(
        default=None, description="Đơn vị thêm vào danh sách của gói (id, name, block, parent)"
    )


class RosterBody(BaseModel):
    units: list[RosterEntry]


def _round_out(row: Any) -> dict[str, Any]:
    return rounds.round_json(row)


@router.post("", status_code=201, responses={401: {}, 403: {}, 422: {}})
async def create_round(body: RoundBody, request: Request, who: ActorDep) -> ApiJSON:
    """Open a round (admin): a pack version, a period and the deadlines of its blocks."""
    require(who, "rounds.create")

    def work(session):  # type: ignore[no-untyped-def]
        row = rounds.create_round(
            session, who.login, pack=body.pack, period=body.period, deadlines=body.deadlines,
            title=body.title, units=[u.model_dump() for u in body.units or []],
        )  # fmt: skip
        return _round_out(row)

    return ApiJSON(await in_write(request, work), status_code=201)


@router.get("", responses={401: {}})
async def list_rounds(request: Request, who: ActorDep) -> ApiJSON:
    return ApiJSON(await in_read(request, rounds.list_rounds))


@router.get("/{rid}", responses={401: {}, 404: {}})
async def get_round(rid: int, request: Request, who: MaybeActor) -> ApiJSON:
    """A round; public once published."""

    def work(session):  # type: ignore[no-untyped-def]
        row = rounds.get_round(session, rid)
        if row.state != "published" and who is None:
            raise unauthorized()
        return _round_out(row)

    return ApiJSON(await in_read(request, work))


@router.post("/{rid}/units", responses={401: {}, 403: {}, 404: {}, 409: {}, 422: {}})
async def add_units(rid: int, body: RosterBody, request: Request, who: ActorDep) -> ApiJSON:
    """Add units to a round's roster (admin)."""
    require(who, "rounds.roster")

    def work(session):  # type: ignore[no-untyped-def]
        row = rounds.get_round(session, rid, lock="share")
        count = rounds.add_roster(session, who.login, row, [u.model_dump() for u in body.units])
        return {"added": count}

    return ApiJSON(await in_write(request, work))


@router.get("/{rid}/units", responses={401: {}, 404: {}})
async def list_units(rid: int, request: Request, who: ActorDep) -> ApiJSON:
    """The roster with each unit's state (a unit account sees itself and its communes)."""
    from ..submissions import unit_list

    return ApiJSON(await in_read(request, unit_list, who, rid))


@router.post("/{rid}/approve", responses={401: {}, 403: {}, 404: {}, 409: {}})
async def approve(rid: int, request: Request, who: ActorDep) -> ApiJSON:
    """Approve the verified results (admin): nothing in the round changes after this."""
    require(who, "rounds.approve")

    def work(session):  # type: ignore[no-untyped-def]
        row = rounds.get_round(session, rid, lock="update")
        rounds.approve(session, who.login, row)
        return _round_out(row)

    return ApiJSON(await in_write(request, work))


@router.post("/{rid}/publish", responses={401: {}, 403: {}, 404: {}, 409: {}})
async def publish_round(rid: int, request: Request, who: ActorDep) -> ApiJSON:
    """Publish (admin): the results become public and frozen; returns them."""
    require(who, "rounds.publish")
    return ApiJSON(await in_write(request, publish.publish, who.login, rid))


def _visible(row: Any, who: Actor | None) -> None:
    if row.state == "published":
        return
    if who is None:
        raise unauthorized()
    if not allowed(who, "rounds.preview"):
        raise forbidden("Kết quả chưa công bố")


@router.get("/{rid}/results", responses={401: {}, 403: {}, 404: {}})
async def results(rid: int, request: Request, who: MaybeActor) -> ApiJSON:
    """The results, as ``criteria-engine evaluate --format json`` prints them: public once
    published; before that, a preview for admin and reviewers."""

    def work(session):  # type: ignore[no-untyped-def]
        row = rounds.get_round(session, rid)
        _visible(row, who)
        return publish.results(session, row)

    return ApiJSON(await in_read(request, work))


@router.get("/{rid}/changes", responses={401: {}, 403: {}, 404: {}})
async def changes(rid: int, request: Request, who: MaybeActor) -> ApiJSON:
    """Rank changes against the previous published round of the same pack."""

    def work(session):  # type: ignore[no-untyped-def]
        row = rounds.get_round(session, rid)
        _visible(row, who)
        return publish.changes(session, row)

    return ApiJSON(await in_read(request, work))


@router.get("/{rid}/audit", responses={401: {}, 403: {}, 404: {}})
async def round_audit(rid: int, request: Request, who: ActorDep) -> ApiJSON:
    """Every write in the round (admin)."""
    require(who, "rounds.audit")

    def work(session):  # type: ignore[no-untyped-def]
        rounds.get_round(session, rid)
        return audit.entries(session, rid)

    return ApiJSON(await in_read(request, work))

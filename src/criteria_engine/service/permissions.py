"""Who may do what, decided in one place.

Roles: ``admin`` (the Department of Information and Communications — Sở TT&TT) may do
everything, including typing in a unit's paper form; ``reviewer`` (the verification team —
tổ thẩm định) reads every unit and enters verified values; ``unit`` acts for its own unit
and, for a district (UBND cấp huyện), for the communes the round's roster puts under it.
Every route asks :func:`require` or :func:`require_unit`; nothing is left to the client.
"""

from __future__ import annotations

import attrs
from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import forbidden
from .models import RosterUnit

#: named actions and the roles that may take them (unit data is checked separately)
ACTIONS: dict[str, frozenset[str]] = {
    "users.add": frozenset({"admin"}),
    "rounds.create": frozenset({"admin"}),
    "rounds.roster": frozenset({"admin"}),
    "rounds.approve": frozenset({"admin"}),
    "rounds.publish": frozenset({"admin"}),
    "rounds.audit": frozenset({"admin"}),
    "rounds.preview": frozenset({"admin", "reviewer"}),
    "units.reopen": frozenset({"admin"}),
    "units.review": frozenset({"admin", "reviewer"}),
    "units.read": frozenset({"admin", "reviewer", "unit"}),
    "units.write": frozenset({"admin", "unit"}),
    "evaluate": frozenset({"admin", "reviewer", "unit"}),
}


@attrs.frozen
class Actor:
    """The signed-in account a request acts as."""

    user_id: int
    login: str
    role: str
    unit: str | None = None


def allowed(actor: Actor, action: str) -> bool:
    return actor.role in ACTIONS[action]


def require(actor: Actor, action: str) -> None:
    """Refuse (403) a role that may not take ``action``."""
    if not allowed(actor, action):
        raise forbidden()


def acts_for(session: Session, actor: Actor, round_id: int, unit_id: str) -> bool:
    """Whether a unit account may act for ``unit_id``: its own, or a commune of its district."""
    if actor.unit is None:
        return False
    if actor.unit == unit_id:
        return True
    parent = session.scalar(
        select(RosterUnit.parent).where(
            RosterUnit.round_id == round_id, RosterUnit.unit_id == unit_id
        )
    )
    return parent is not None and parent == actor.unit


def require_unit(session: Session, actor: Actor, action: str, round_id: int, unit_id: str) -> None:
    """Refuse (403) a role, or a unit account, that may not take ``action`` on this unit."""
    require(actor, action)
    if actor.role == "unit" and not acts_for(session, actor, round_id, unit_id):
        raise forbidden("Tài khoản này không được thao tác trên dữ liệu của đơn vị khác")

"""What evaluation returns: a result tree per unit, findings, and standings for ranking.

Results are plain frozen values so they can be saved as JSON and given back later as the
previous period (:mod:`criteria_engine.persist`), compared, and rendered by any report.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

import attrs

# A unit's place in the ranking of its block.
RANKED, LATE, EXCLUDED, MISSING, INTERIM = "ranked", "late", "excluded", "missing", "interim"
UNDATED = "undated"  # sent with no date where a deadline applies: on time cannot be told
STATUS_ORDER = {RANKED: 0, LATE: 1, UNDATED: 2, EXCLUDED: 3, MISSING: 4, INTERIM: 5}
#: statuses of units that sent their results but are not ranked for when they sent them
UNRANKED_SUBMITTED = (LATE, UNDATED)
STATUS_LABELS = {
    RANKED: "",
    LATE: "nộp muộn",
    UNDATED: "không ghi ngày nộp",
    EXCLUDED: "không đánh giá",
    MISSING: "không nộp",
    INTERIM: "cập nhật giữa kỳ",
}


# Where a batch's results stand on their way to publication: the Sở TT&TT drafts them,
# verifies the figures, UBND tỉnh approves them, then they are published.
DRAFT, VERIFIED, APPROVED, PUBLISHED = "draft", "verified", "approved", "published"
RESULT_STATES = (DRAFT, VERIFIED, APPROVED, PUBLISHED)
STATE_LABELS = {
    DRAFT: "Dự thảo (chưa thẩm tra, chưa phê duyệt)",
    VERIFIED: "Đã thẩm tra, xác minh (chưa phê duyệt)",
    APPROVED: "Đã được phê duyệt (chưa công bố)",
    PUBLISHED: "Đã công bố",
}


@attrs.frozen
class Finding:
    """Something about a unit's submission the province should know; it never drops the unit."""

    code: str  # missing-reason | outside-window | late | self-score-above-max | …
    message: str
    criterion: str | None = None
    field: str | None = None


@attrs.frozen
class CriterionResult:
    """One criterion's score for one unit, with what produced it."""

    id: str
    title: str
    max: Decimal  # the maximum that counts for this unit (0 when it does not apply)
    score: Decimal | None  # None when the criterion does not apply
    raw: Decimal | None = None  # the formula's value before the cap and the floor
    applies: bool = True
    capped: bool = False
    floored: bool = False
    kind: str = "normal"
    counted: bool = True
    formula: str | None = None
    inputs: Mapping[str, Any] = attrs.Factory(dict)
    declared: Decimal | None = None  # the score from the declared inputs, when verified differ
    self_score: Decimal | None = None
    reason: str | None = None
    children: tuple[CriterionResult, ...] = ()

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@attrs.frozen
class UnitResult:
    """A unit's evaluation: the criteria tree, totals, percentage, level and findings."""

    unit_id: str
    name: str
    block: str
    pack: str
    criteria: tuple[CriterionResult, ...]
    total: Decimal
    max_total: Decimal
    percent: Decimal  # a fraction: 0.85 is 85 %
    published_total: Decimal
    published_percent: Decimal  # in percent points, rounded as the pack says
    level: str | None
    status: str = RANKED
    period: str | None = None
    parent: str | None = None
    head: Mapping[str, str] | None = None
    submitted: str | None = None
    stage: str = "year"
    file: str | None = None
    tie_keys: tuple[Decimal, ...] = ()
    findings: tuple[Finding, ...] = ()
    groups: Mapping[str, Decimal | None] = attrs.Factory(dict)  # top-level scores

    def all_criteria(self):
        for top in self.criteria:
            yield from top.walk()

    def score(self, criterion_id: str) -> Decimal | None:
        for c in self.all_criteria():
            if c.id == criterion_id:
                return c.score
        raise KeyError(criterion_id)

    def group_scores(self) -> Mapping[str, Decimal | None]:
        return self.groups


#: figures many units share (a published total or percentage, a unit's maximum), one
#: object each, keyed by their text so that 85.0 and 85.00 stay apart
_FIGURES: dict[str, Decimal] = {}
_FIGURES_KEPT = 50_000


def _shared_figure(value: Decimal | None) -> Decimal | None:
    """``value``, or an equal figure with the same digits kept already (a batch of
    100,000 units then holds a few thousand percentages, not 100,000)."""
    if value is None:
        return None
    key = str(value)
    kept = _FIGURES.get(key)
    if kept is None:
        if len(_FIGURES) >= _FIGURES_KEPT:
            _FIGURES.clear()
        kept = _FIGURES[key] = value
    return kept


class GroupScores(Mapping[str, "Decimal | None"]):
    """A unit's top-level group scores, kept small: a batch keeps one per unit, 100,000
    of them. The group ids are one tuple shared by every unit of a block and the scores
    are one piece of text (each exact Decimal written as it is, so each reads back equal,
    digit for digit); a score is made again when it is read. Equal to a dict of the same
    scores, and shown as one."""

    __slots__ = ("_keys", "_text")
    _shared: ClassVar[dict[tuple[str, ...], tuple[str, ...]]] = {}

    def __init__(self, scores: Mapping[str, Decimal | None]) -> None:
        keys = tuple(scores)
        self._keys = self._shared.setdefault(keys, keys)
        self._text = ",".join("" if v is None else str(v) for v in scores.values())

    def _values(self) -> list[Decimal | None]:
        return [Decimal(v) if v else None for v in self._text.split(",")] if self._keys else []

    def __getitem__(self, key: str) -> Decimal | None:
        try:
            i = self._keys.index(key)
        except ValueError:
            raise KeyError(key) from None
        return self._values()[i]

    def __iter__(self):
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def items(self):  # type: ignore[override]  # one parse for all of them
        return dict(zip(self._keys, self._values(), strict=True)).items()

    def values(self):  # type: ignore[override]
        return self._values()

    def __repr__(self) -> str:
        return repr(dict(self.items()))


@attrs.frozen
class Standing:
    """A unit's line in a block's ranking table: small, so 100,000 of them fit easily."""

    unit_id: str
    name: str
    block: str
    status: str
    total: Decimal | None = None
    published_total: Decimal | None = None
    percent: Decimal | None = None
    published_percent: Decimal | None = None
    level: str | None = None
    rank: int | None = None
    parent: str | None = None
    rank_in_parent: int | None = None
    groups: Mapping[str, Decimal | None] = attrs.Factory(dict)
    tie_keys: tuple[Decimal, ...] = ()
    head: Mapping[str, str] | None = None
    note: str | None = None
    stage: str = "year"
    max_total: Decimal | None = None  # the unit's own maximum (smaller when items do not apply)
    tied_with: tuple[str, ...] = ()  # ids of the units equal to this one on the ranked measure
    tie_step: str | None = None  # the tie-break step that settled the tie; None: shared

    @classmethod
    def of(cls, result: UnitResult) -> Standing:
        """The ranking line of a result; an excluded unit carries no figures."""
        if result.status == EXCLUDED:
            return cls(
                unit_id=result.unit_id,
                name=result.name,
                block=result.block,
                status=result.status,
                parent=result.parent,
                head=result.head,
                note=result.findings[0].message if result.findings else None,
            )
        return cls(
            unit_id=result.unit_id,
            name=result.name,
            block=result.block,
            status=result.status,
            total=result.total,
            published_total=_shared_figure(result.published_total),
            percent=result.percent,
            published_percent=_shared_figure(result.published_percent),
            level=result.level,
            parent=result.parent,
            groups=GroupScores(result.group_scores()),
            tie_keys=result.tie_keys,
            head=result.head,
            stage=result.stage,
            max_total=_shared_figure(result.max_total),
        )

"""What a formula may refer to: its names and their types, criteria and aggregates.

The engine builds one scope per block from the pack's declared inputs, so a formula is
checked against exactly what the province's form collects.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

from .types import Type

__all__ = ["Scope"]


def _freeze_names(names: Mapping[str, Type]) -> Mapping[str, Type]:
    frozen = dict(names)
    for name, kind in frozen.items():
        if not isinstance(kind, Type):
            raise TypeError(f"the type of {name!r} must be a Type, not {kind!r}")
    return MappingProxyType(frozen)


@attrs.frozen
class Scope:
    """What a formula may refer to.

    ``names`` maps each input name (and special name such as ``percent``) to its type;
    ``criteria`` lists the ids ``score("…")`` may name; ``aggregatable`` lists the number
    inputs ``best(…)`` and ``mean(…)`` may summarise over a batch.
    """

    names: Mapping[str, Type] = attrs.field(factory=dict, converter=_freeze_names)
    criteria: frozenset[str] = attrs.field(default=(), converter=frozenset)
    aggregatable: frozenset[str] = attrs.field(default=(), converter=frozenset)

    def __hash__(self) -> int:  # the names mapping itself is not hashable
        return hash((frozenset(self.names.items()), self.criteria, self.aggregatable))

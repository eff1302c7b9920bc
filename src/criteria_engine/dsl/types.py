"""The three value types of the criteria language.

Every expression has exactly one of these types, known before any value is seen: the
checker works them out from the scope so that a formula adding a yes/no answer to a
number is rejected when the pack is loaded, not when a province's data arrives.
"""

from __future__ import annotations

import enum

__all__ = ["Type"]


class Type(enum.Enum):
    """The type of a formula or of one of its sub-expressions."""

    #: An exact ``decimal.Decimal``; never a float.
    NUMBER = "number"
    #: A Python ``bool`` (``true`` / ``false`` in the language).
    BOOLEAN = "boolean"
    #: A Python ``str``, NFC-normalised.
    TEXT = "text"

    def __str__(self) -> str:
        return self.value

"""The online evaluation service: ``criteria-engine serve``.

An HTTP service over the library (rounds, accounts and roles, drafts, submission,
evidence, deadlines, verification, publication, audit), kept in SQLite or PostgreSQL.
Every score, level and rank comes from the engine through :mod:`.engine`. Needs the
``server`` extra. The CLI registers its commands (:mod:`.cli`, which loads only click
and :mod:`.settings`); nothing else of the library imports it.
"""

from __future__ import annotations

from criteria_engine import __version__

__all__ = ["__version__"]

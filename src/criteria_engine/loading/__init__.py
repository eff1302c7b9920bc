"""Pack folders to the model: find installed packs, read YAML with positions, check it
against the pack schemas, compile the formulas, and report every problem at once.

Only :mod:`.finder` loads eagerly; the formula machinery loads with the first pack.
"""

from .finder import PackNotFound, PackRef, find, in_force, installed, load_pack, versions

__all__ = ["PackNotFound", "PackRef", "find", "in_force", "installed", "load_pack", "versions"]

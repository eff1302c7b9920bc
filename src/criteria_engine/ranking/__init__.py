"""Order the units of each block: shared ranks, tie-breaks, units that were late, excluded
or missing, and Vietnamese alphabetical order where names decide.
"""

from .collation import sort_key
from .order import rank, rank_lookup

__all__ = ["rank", "rank_lookup", "sort_key"]

"""Analyses for the people being ranked, from the pack alone and the engine's own results.

* :mod:`.next_level` — what it takes a unit to reach the next level (or a named one);
* :mod:`.attribution` — why a unit's total, rank or level changed between two periods;
* :mod:`.sensitivity` — how firm the order is when weights move, and which units a
  verification team should check first.

Each returns plain frozen data; reports render it. Nothing here restates a rule of a
pack: every score comes from the block's scorer or from a full evaluation.
"""

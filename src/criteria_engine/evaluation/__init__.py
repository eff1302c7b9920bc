"""Evaluate units against a pack: one unit (:mod:`.unit`), a whole batch with ranking
(:mod:`.batch`), the generated per-block scorer (:mod:`.scorer`), published rounding
(:mod:`.rounding`) and explanations (:mod:`.explain`).

Nothing is imported here, so that reports needing only :mod:`.rounding` load without the
formula machinery; the public names are re-exported by :mod:`criteria_engine`.
"""

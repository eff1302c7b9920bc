"""Cycles among criteria that refer to each other with ``score("…")``.

A criterion's formula may use other criteria's scores, so the engine must order the
criteria and refuse a pack where they depend on each other in a circle. The search is
iterative (a pack may have hundreds of criteria) and visits ids in sorted order, so the
same pack always reports the same cycle.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

__all__ = ["find_cycle"]


def find_cycle(dependencies: Mapping[str, Collection[str]]) -> list[str] | None:
    """A dependency cycle as a path that ends where it starts, or ``None``.

    ``dependencies`` maps each criterion id to the ids it depends on; ids that are not
    keys have no dependencies of their own. ``{"1.1": ["1.2"], "1.2": ["1.1"]}`` gives
    ``["1.1", "1.2", "1.1"]``; a criterion that uses its own score gives ``["1.1", "1.1"]``.
    """
    done: set[str] = set()
    for start in sorted(dependencies):
        if start in done:
            continue
        path = [start]
        on_path = {start: 0}
        pending = [iter(sorted(dependencies.get(start, ())))]
        while pending:
            following = next(pending[-1], None)
            if following is None:
                pending.pop()
                finished = path.pop()
                del on_path[finished]
                done.add(finished)
            elif following in on_path:
                return [*path[on_path[following] :], following]
            elif following not in done:
                on_path[following] = len(path)
                path.append(following)
                pending.append(iter(sorted(dependencies.get(following, ()))))
    return None

"""find_cycle: the path of a dependency circle among criteria, found deterministically."""

from __future__ import annotations

import time

from criteria_engine.dsl import find_cycle


def test_no_cycle() -> None:
    assert find_cycle({}) is None
    assert find_cycle({"1": ["1.1", "1.2"], "1.1": [], "1.2": ["1.1"], "2": ["1"]}) is None


def test_two_criteria_in_a_circle() -> None:
    assert find_cycle({"1.1": ["1.2"], "1.2": ["1.1"]}) == ["1.1", "1.2", "1.1"]


def test_a_criterion_that_uses_its_own_score() -> None:
    assert find_cycle({"1.1": ["1.1"]}) == ["1.1", "1.1"]


def test_the_path_starts_where_the_circle_closes() -> None:
    graph = {"1": ["2"], "2": ["3"], "3": ["4"], "4": ["2"]}
    assert find_cycle(graph) == ["2", "3", "4", "2"]


def test_the_result_does_not_depend_on_the_order_given() -> None:
    graph = {"b": {"a", "c"}, "a": ["c"], "c": ["b"]}
    reordered = {"c": ("b",), "a": ["c"], "b": ["c", "a"]}
    assert find_cycle(graph) == find_cycle(reordered) == ["a", "c", "b", "a"]


def test_unknown_ids_are_leaves() -> None:
    assert find_cycle({"1": ["9.9"]}) is None


def test_a_long_chain_needs_no_recursion() -> None:
    size = 20_000
    graph = {str(i): [str(i + 1)] for i in range(size)}
    start = time.perf_counter()
    assert find_cycle(graph) is None
    graph[str(size)] = ["0"]
    cycle = find_cycle(graph)
    assert cycle is not None and len(cycle) == size + 2 and cycle[0] == cycle[-1]
    assert time.perf_counter() - start < 5

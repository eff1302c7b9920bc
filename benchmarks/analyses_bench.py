"""Analyses benchmark: next level, attribution and sensitivity for the 161 Hưng Yên
communes of the bundled 2019 examples, against evaluating and ranking them.

The baseline is ``run_batch`` on the communes' records (checking every value,
evaluating, ranking). Each analysis gets the same records and does its own checking and
evaluation too, so a ratio of 1 would mean the analysis costs nothing beyond a batch:

* ``next_level`` — for every commune below the top level, the fewest criteria (with the
  input values) that reach the next level, confirmed by the engine;
* ``attribute`` — why each commune's total and rank changed since a previous year,
  split per group and per criterion; the previous year is the same communes with their
  figures lowered at random (seeded), evaluated as a second batch;
* ``sensitivity`` — sure rank intervals with each group's weight within ±10 %, the ranks
  at the box's 32 corners, and the units one smallest step of one input moves.

Records are read once, outside the timings. Warm-up, then several rounds; each ratio is
the median over rounds of analysis-time / batch-time measured back to back, so a noisy
machine moves it little. Run: ``python benchmarks/analyses_bench.py`` (``--quick``:
fewer rounds).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

import criteria_engine as ce

ROOT = Path(__file__).resolve().parents[1]


def previous_year(pack, records: list, seed: int = 2018) -> list[dict]:
    """The same communes a year earlier: each figure marked ``better`` lowered at random
    (never below its minimum), each such yes/no turned off one time in five."""
    rng = random.Random(seed)
    block = pack.block("commune")
    out = []
    for record in records:
        data = dict(record.data)
        inputs = dict(data["inputs"])
        for name, spec in block.inputs.items():
            value = inputs.get(name)
            if spec.better != "higher" or value is None:
                continue
            if spec.type == "boolean":
                inputs[name] = bool(value) and rng.random() > 0.2
            elif spec.type == "integer":
                inputs[name] = int(Decimal(value) * Decimal(rng.randint(60, 100)) / 100)
        data["inputs"] = inputs
        data["period"] = "2018"
        out.append(data)
    return out


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main() -> None:
    rounds = 3 if "--quick" in sys.argv else 7
    pack = ce.load_pack("hungyen")
    files = sorted((ROOT / "packs/hungyen/examples/2019").glob("commune*.json"))
    records = list(ce.read_records(files))
    before = previous_year(pack, records)
    communes = sum(1 for _ in records)
    jobs = {
        "next_level": lambda: ce.next_level(pack, records),
        "attribute": lambda: ce.attribute(pack, records, before),
        "sensitivity": lambda: ce.sensitivity(pack, records, weights="0.1"),
    }
    baseline = lambda: ce.run_batch(pack, units=records)  # noqa: E731
    for job in (baseline, *jobs.values()):  # warm-up: scorers, caches, imports
        job()
    ratios: dict[str, list[float]] = {name: [] for name in jobs}
    batch_times = []
    for _ in range(rounds):
        for name, job in jobs.items():
            base = timed(baseline)
            batch_times.append(base)
            ratios[name].append(timed(job) / base)
    batch = statistics.median(batch_times)
    print(f"{communes} communes; evaluate and rank: {batch * 1000:.1f} ms (median)")
    for name, values in ratios.items():
        ratio = statistics.median(values)
        print(f"{name:12} {ratio * batch * 1000:8.1f} ms   {ratio:5.1f}x evaluate and rank")
    summary = ", ".join(f"{n} {statistics.median(v):.1f}x" for n, v in ratios.items())
    print(f"ratio vs evaluate and rank: {summary}")


if __name__ == "__main__":
    main()

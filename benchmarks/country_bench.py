"""A whole country in one go: every province's departments, districts and communes.

Vietnam has 63 provinces; each evaluates about 20 departments, 11 districts and 143
communes (about 11,000 units in all). This benchmark generates that many seeded
submissions over one full pack (Hưng Yên's three blocks, without its roster so that the
generated ids are accepted), then evaluates and ranks each province's batch as a province
would (``run_batch``), on one core, and prints the total time (warm-up, then the median
of several rounds). The goal is under a second.

Run: ``python benchmarks/country_bench.py``. The last line reads ``country: <s>``.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal

import criteria_engine as ce
from engine_bench import rosterless_copy

PROVINCES = 63
PER_PROVINCE = {"department": 20, "district": 11, "commune": 143}
ROUNDS = 5


def value(rnd: random.Random, spec: ce.Input, year: int) -> object:
    """A plausible value for an input of the pack, from its declared type and bounds."""
    if spec.type == "boolean":
        return rnd.random() < 0.7
    if spec.type == "choice":
        return rnd.choice(spec.choices)
    if spec.type == "date":
        return (dt.date(year, 1, 1) + dt.timedelta(days=rnd.randint(0, 300))).isoformat()
    if spec.type == "text":
        return "có"
    low = int(spec.min) if spec.min is not None else 0
    high = int(spec.max) if spec.max is not None else (100 if spec.type == "percent" else 500)
    number = rnd.randint(low, max(low, high))
    return number if spec.type == "integer" else str(Decimal(number))


def province(pack: ce.Pack, index: int, rnd: random.Random) -> list[dict]:
    """One province's submissions: its departments, districts and their communes."""
    units = []
    districts = [f"p{index:02d}-district-{d:02d}" for d in range(PER_PROVINCE["district"])]
    for block in pack.blocks:
        for n in range(PER_PROVINCE.get(block.id, 0)):
            own = f"p{index:02d}-{block.id}-{n:03d}"
            unit_id = districts[n] if block.id == "district" else own
            unit = {
                "id": unit_id,
                "name": f"Đơn vị {unit_id}",
                "block": block.id,
                "period": "2019",
                "inputs": {name: value(rnd, spec, 2019) for name, spec in block.inputs.items()},
            }
            if block.id == "commune":
                unit["parent"] = districts[n % len(districts)]
            units.append(unit)
    return units


def country(pack: ce.Pack, provinces: list[list[dict]]) -> int:
    """Evaluate and rank every province's batch; the number of units ranked."""
    ranked = 0
    for units in provinces:
        outcome = ce.run_batch(pack, units=units, roster=False)
        if outcome.errors:
            sys.exit(f"unexpected errors: {outcome.errors[:3]}")
        ranked += sum(len(table) for table in outcome.tables.values())
    return ranked


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        pack = rosterless_copy(folder)
    rnd = random.Random(63)
    provinces = [province(pack, i, rnd) for i in range(PROVINCES)]
    total = sum(map(len, provinces))
    country(pack, provinces[:2])  # warm-up: the block scorers are built on first use
    times = []
    for _ in range(ROUNDS):
        start = time.process_time()  # CPU time on one core: other processes do not count
        ranked = country(pack, provinces)
        times.append(time.process_time() - start)
    assert ranked == total, (ranked, total)
    print(f"{PROVINCES} provinces, {total:,} units "
          f"({', '.join(f'{n} {b}' for b, n in PER_PROVINCE.items())} each)")
    print(f"rounds: {', '.join(f'{t:.3f}' for t in times)} s")
    print(f"country: {statistics.median(times):.3f} s")


if __name__ == "__main__":
    main()

"""Engine benchmark: the largest Hưng Yên block, against a hand-written Python scorer.

Generates 10,000 department submissions (seeded), then in one process:

* evaluates and ranks them with the engine (``run_batch``: checking every value,
  block-wide ``best()``, every criterion's result tree, levels, ranks);
* does the same work with a scorer written by hand for this one block, in plain Python
  with the same Decimal arithmetic (what a spreadsheet-to-script conversion would be);
* checks that both give the same totals, levels and ranks, and prints units per second and
  the ratio engine-time / hand-written-time (warm-up, several rounds, median of the paired
  per-round ratios, so a noisy machine does not move the figure much).

The pack is a copy of Hưng Yên without its roster (``units.yaml``), so that the generated
unit ids are accepted. Memory, start-up and load times have benchmarks of their own
(``rss_bench.py``, ``cli_bench.py``, ``load_bench.py``). The last line reads
``ratio vs hand-written: X``.

Run: ``python benchmarks/engine_bench.py`` (``--quick`` for a smaller run).
"""

from __future__ import annotations

import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import criteria_engine as ce

D = Decimal
ZERO, ONE, HUNDRED = D(0), D(1), D(100)
ROLES = ("Thủ trưởng cơ quan", "Cấp phó", "Chưa phân công")


def make_units(count: int, seed: int = 2019) -> list[dict]:
    """Plausible department submissions: counts within their totals, some zeros."""
    rnd = random.Random(seed)
    units = []
    for i in range(count):
        staff = rnd.randint(0, 300)
        pcs = rnd.randint(0, 400)
        docs = rnd.randint(0, 20000)
        elec = rnd.randint(0, docs)
        tthc = rnd.randint(0, 300)
        l3 = rnd.randint(0, tthc)
        rec = rnd.randint(0, 50000)
        linked = rnd.choice((0, 0, rnd.randint(1, 50)))
        plan = rnd.randint(0, 40)
        it_staff = rnd.randint(0, 5)
        inputs = {
            "staff_total": staff, "staff_with_pc": rnd.randint(0, staff),
            "pcs_total": pcs, "pcs_networked": rnd.randint(0, pcs),
            "pcs_antivirus": rnd.randint(0, pcs),
            "bandwidth_per_staff": str(D(rnd.randint(0, 50000)) / 100),
            "tslcd_connected": rnd.random() < 0.8, "has_server_room": rnd.random() < 0.6,
            "server_room_standards": rnd.randint(0, 5), "uses_provincial_dc": rnd.random() < 0.3,
            "has_firewall": rnd.random() < 0.7, "has_backup": rnd.random() < 0.5,
            "uses_edoc_system": rnd.random() < 0.9, "docs_out_total": docs,
            "docs_out_electronic": elec, "docs_signed": rnd.randint(0, elec),
            "staff_using_email": rnd.randint(0, staff), "online_meetings": rnd.randint(0, 20),
            "specialised_apps": rnd.randint(0, 8), "has_portal": rnd.random() < 0.9,
            "portal_info_items": rnd.randint(0, 10), "tthc_total": tthc, "dvc_level3": l3,
            "dvc_level4": rnd.randint(0, tthc - l3), "records_dvc34": rec,
            "records_online": rnd.randint(0, rec), "records_resolved": rec,
            "records_on_time": rnd.randint(0, rec), "uses_one_stop_software": rnd.random() < 0.8,
            "linked_tthc_total": linked, "linked_tthc_online": rnd.randint(0, linked),
            "has_it_plan": rnd.random() < 0.9, "plan_tasks_total": plan,
            "plan_tasks_done": rnd.randint(0, plan), "has_edoc_rule": rnd.random() < 0.7,
            "has_security_rule": rnd.random() < 0.6, "it_lead_role": rnd.choice(ROLES),
            "it_budget_needed": rnd.randint(0, 5000), "it_budget_allocated": rnd.randint(0, 5000),
            "it_staff": it_staff, "it_staff_degree": rnd.randint(0, it_staff),
            "staff_it_certified": rnd.randint(0, staff), "staff_trained": rnd.randint(0, staff),
            "it_staff_security_trained": rnd.random() < 0.5,
            "security_incidents": rnd.choice((0, 0, 0, 1, 3)),
        }
        units.append({"id": f"so-{i:05d}", "name": f"Sở thử nghiệm {i:05d}",
                      "block": "department", "period": "2019", "inputs": inputs})
    return units


# --- the hand-written scorer -----------------------------------------------------------


def _ratio(a: Decimal, b: Decimal) -> Decimal:
    return a / b if b else ZERO


def _cap(value: Decimal, high: Decimal, low: Decimal = ZERO) -> Decimal:
    return high if value > high else low if value < low else value


def _convert(raw: dict) -> dict:
    values = {}
    for name, value in raw.items():
        if isinstance(value, bool) or name == "it_lead_role":
            values[name] = value
        else:
            number = D(value) if isinstance(value, int) else D(str(value))
            if number < 0:
                raise ValueError(name)
            values[name] = number
    return values


def hand_scores(v: dict, best_bandwidth: Decimal) -> tuple[Decimal, Decimal]:
    """The Hưng Yên department block by hand: (total, maximum total)."""
    g1 = (_cap(20 * _ratio(v["staff_with_pc"], v["staff_total"]), D(20))
          + _cap(10 * _ratio(v["pcs_networked"], v["pcs_total"]), D(10))
          + _cap(15 * _ratio(v["pcs_antivirus"], v["pcs_total"]), D(15))
          + _cap(15 * _ratio(v["bandwidth_per_staff"], best_bandwidth), D(15))
          + (D(10) if v["tslcd_connected"] else ZERO)
          + _cap(max(D(10) + 2 * v["server_room_standards"] if v["has_server_room"] else ZERO,
                     D(16) if v["uses_provincial_dc"] else ZERO), D(20))
          + (D(5) if v["has_firewall"] else ZERO) + (D(5) if v["has_backup"] else ZERO))
    meetings = v["online_meetings"]
    g2 = ((D(10) if v["uses_edoc_system"] else ZERO)
          + _cap(20 * _ratio(v["docs_out_electronic"], v["docs_out_total"]), D(20))
          + _cap(15 * _ratio(v["docs_signed"], v["docs_out_electronic"]), D(15))
          + _cap(15 * _ratio(v["staff_using_email"], v["staff_total"]), D(15))
          + (D(10) if meetings >= 12 else D(7) if meetings >= 6 else D(4) if meetings >= 3
             else D(2) if meetings >= 1 else ZERO)
          + _cap(min(D(10), 2 * v["specialised_apps"]), D(10))
          + (_cap(20 * _ratio(v["portal_info_items"], D(10)), D(20)) if v["has_portal"]
             else ZERO))
    online = _ratio(v["records_online"], v["records_dvc34"])
    g3 = (_cap(30 * _ratio(v["dvc_level3"] + v["dvc_level4"], v["tthc_total"]), D(30))
          + _cap(10 * _ratio(v["dvc_level4"], v["tthc_total"]), D(10))
          + (D(20) if online >= D("0.5") else D(15) if online >= D("0.3")
             else D(10) if online >= D("0.1") else D(5) if online > 0 else ZERO)
          + _cap(20 * _ratio(v["records_on_time"], v["records_resolved"]), D(20))
          + (D(10) if v["uses_one_stop_software"] else ZERO))
    max_total = D(500)
    if v["linked_tthc_total"] > 0:
        g3 += _cap(10 * _ratio(v["linked_tthc_online"], v["linked_tthc_total"]), D(10))
    else:
        max_total -= 10
    role = v["it_lead_role"]
    g4 = ((D(15) if v["has_it_plan"] else ZERO)
          + _cap(20 * _ratio(v["plan_tasks_done"], v["plan_tasks_total"]), D(20))
          + (D(15) if v["has_edoc_rule"] else ZERO) + (D(15) if v["has_security_rule"] else ZERO)
          + (D(15) if role == "Thủ trưởng cơ quan" else D("7.5") if role == "Cấp phó" else ZERO)
          + _cap(20 * min(ONE, _ratio(v["it_budget_allocated"], v["it_budget_needed"])), D(20)))
    staff = v["it_staff"]
    g5 = ((D(20) if staff >= 2 else D(15) if staff >= 1 else ZERO)
          + _cap(20 * _ratio(v["it_staff_degree"], staff), D(20))
          + _cap(30 * _ratio(v["staff_it_certified"], v["staff_total"]), D(30))
          + _cap(20 * _ratio(v["staff_trained"], v["staff_total"]), D(20))
          + (D(10) if v["it_staff_security_trained"] else ZERO))
    deduction = _cap(-5 * v["security_incidents"], ZERO, D(-10))
    total = (_cap(g1, D(100)) + _cap(g2, D(100)) + _cap(g3, D(100)) + _cap(g4, D(100))
             + _cap(g5, D(100)) + deduction)
    return total, max_total


def hand_rank(units: list[dict]) -> list[tuple[str, Decimal, str, int]]:
    """Rank on the published percentage of each unit's own maximum, ties shared."""
    values = [(u["id"], _convert(u["inputs"])) for u in units]
    best = max((v["bandwidth_per_staff"] for _, v in values), default=ZERO)
    rows = []
    for uid, v in values:
        total, max_total = hand_scores(v, best)
        percent = total / max_total
        level = ("Tốt" if percent >= D("0.85") else "Khá" if percent >= D("0.7")
                 else "Trung bình" if percent >= D("0.5") else "Yếu")
        published = (percent * HUNDRED).quantize(D("0.01"), ROUND_HALF_UP)
        rows.append((uid, total.quantize(D("0.01"), ROUND_HALF_UP), level, published))
    rows.sort(key=lambda r: r[3], reverse=True)
    out, previous = [], None
    for i, (uid, total, level, published) in enumerate(rows):
        rank = out[-1][3] if previous == published else i + 1
        out.append((uid, total, level, rank))
        previous = published
    return out


def engine_rank(pack, units: list[dict]) -> list[tuple[str, Decimal, str, int]]:
    outcome = ce.run_batch(pack, units=units, roster=False)
    assert not outcome.errors, outcome.errors[:3]
    return [(s.unit_id, s.published_total, s.level, s.rank)
            for s in outcome.tables["department"]]


# --- measurements -------------------------------------------------------------------


def rosterless_copy(folder: str) -> ce.Pack:
    """The Hưng Yên pack without its roster, so that made-up unit ids are accepted."""
    target = Path(folder) / "hungyen"
    shutil.copytree(ce.find_pack("hungyen"), target, ignore=shutil.ignore_patterns("tests"))
    (target / "units.yaml").unlink(missing_ok=True)
    return ce.load_pack(target)


def timed(fn, *args) -> tuple[float, object]:
    start = time.process_time()  # CPU time: other processes on the machine do not count
    result = fn(*args)
    return time.process_time() - start, result


def main() -> None:
    quick = "--quick" in sys.argv
    count, rounds = (2000, 3) if quick else (10_000, 5)
    with tempfile.TemporaryDirectory() as folder:
        pack = rosterless_copy(folder)
    units = make_units(count)

    expected = hand_rank(units)
    got = engine_rank(pack, units)
    if got != expected:
        bad = next(i for i, (a, b) in enumerate(zip(got, expected, strict=True)) if a != b)
        sys.exit(f"engine and hand-written scorer disagree at row {bad}: "
                 f"{got[bad]} vs {expected[bad]}")
    print(f"{count} units: engine and hand-written scorer agree on every total, level, rank")

    engine_rank(pack, units[:500])  # warm-up
    hand_rank(units[:500])
    ratios, engine_times, hand_times = [], [], []
    for round_number in range(rounds):
        if round_number % 2:
            h, _ = timed(hand_rank, units)
            e, _ = timed(engine_rank, pack, units)
        else:
            e, _ = timed(engine_rank, pack, units)
            h, _ = timed(hand_rank, units)
        engine_times.append(e)
        hand_times.append(h)
        ratios.append(e / h)
    engine_median = statistics.median(engine_times)
    print(f"engine: {count / engine_median:,.0f} units/s "
          f"(median of {rounds} rounds, {engine_median:.3f} s)")
    print(f"hand-written: {count / statistics.median(hand_times):,.0f} units/s")
    print(f"ratio vs hand-written: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()

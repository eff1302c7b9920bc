"""How fast compiled formulas run, against the same arithmetic written by hand.

Evaluates a realistic set of criteria formulas over 10,000 seeded random records, once
through compiled :class:`~criteria_engine.dsl.Formula` objects and once through
hand-written Python functions doing the same Decimal arithmetic, checks that both give
identical results (exit status 1 if not), and reports the time ratio as the median of
paired per-round ratios, which stays stable on a busy machine. Also times parsing,
checking and compiling 500 formulas.

Two ratios are printed: each formula called through its ``Formula`` object (what a
library user calling ``formula(values)`` gets), and the six written inline into one
generated function by :class:`~criteria_engine.dsl.CodeWriter` against one hand-written
function doing the same six computations (what the engine does when it scores a block).

Run with ``python benchmarks/dsl_bench.py``. The last line reads
``ratio vs hand-written: <per call> (per call), <inline> (inline)``.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from decimal import Decimal

from criteria_engine.dsl import CodeWriter, Scope, Type, compile_formula

RECORDS = 10_000
ROUNDS = 7
CHUNKS = 10
COMPILE_COUNT = 500
SEED = 20240501

SCOPE = Scope(
    names={
        "docs_electronic": Type.NUMBER,
        "docs_total": Type.NUMBER,
        "online_services": Type.NUMBER,
        "total_services": Type.NUMBER,
        "has_portal": Type.BOOLEAN,
        "has_email": Type.BOOLEAN,
        "percent": Type.NUMBER,
    },
    criteria=["1.1", "1.2", "1.3"],
    aggregatable=["docs_total"],
)

FORMULAS = [
    "min(10 * ratio(docs_electronic, docs_total), 10)",
    "steps ratio(online_services, total_services) "
    "{ >= 80% -> 10, >= 50% -> 6, > 0 -> 3, else -> 0 }",
    "if has_portal then 2 else 0",
    'score("1.1") + score("1.2") + score("1.3")',
    "count(has_portal, has_email, docs_total > 100, percent >= 85%)",
    "clamp(percent * 20 - 2, 0, 15)",
]

ZERO, TEN, TWO, HUNDRED = Decimal(0), Decimal(10), Decimal(2), Decimal(100)
P80, P50, P85 = Decimal("0.80"), Decimal("0.50"), Decimal("0.85")
SIX, THREE, TWENTY, FIFTEEN = Decimal(6), Decimal(3), Decimal(20), Decimal(15)
COUNTS = tuple(Decimal(n) for n in range(5))

Record = Mapping[str, object]


def by_hand_ratio_cap(v: Record, s: Record, a: Record) -> object:
    total = v["docs_total"]
    return min(TEN * (v["docs_electronic"] / total if total else ZERO), TEN)


def by_hand_steps(v: Record, s: Record, a: Record) -> object:
    total = v["total_services"]
    share = v["online_services"] / total if total else ZERO
    if share >= P80:
        return TEN
    if share >= P50:
        return SIX
    if share > ZERO:
        return THREE
    return ZERO


def by_hand_portal(v: Record, s: Record, a: Record) -> object:
    return TWO if v["has_portal"] else ZERO


def by_hand_group(v: Record, s: Record, a: Record) -> object:
    return s["1.1"] + s["1.2"] + s["1.3"]


def by_hand_count(v: Record, s: Record, a: Record) -> object:
    n = 0
    if v["has_portal"]:
        n += 1
    if v["has_email"]:
        n += 1
    if v["docs_total"] > HUNDRED:
        n += 1
    if v["percent"] >= P85:
        n += 1
    return COUNTS[n]


def by_hand_clamp(v: Record, s: Record, a: Record) -> object:
    return min(max(v["percent"] * TWENTY - TWO, ZERO), FIFTEEN)


def by_hand_all(v: Record, s: Record, a: Record) -> tuple[object, ...]:
    """The six formulas in one function, as the engine runs a block's formulas."""
    total = v["docs_total"]
    first = min(TEN * (v["docs_electronic"] / total if total else ZERO), TEN)
    services = v["total_services"]
    share = v["online_services"] / services if services else ZERO
    if share >= P80:
        second = TEN
    elif share >= P50:
        second = SIX
    elif share > ZERO:
        second = THREE
    else:
        second = ZERO
    third = TWO if v["has_portal"] else ZERO
    fourth = s["1.1"] + s["1.2"] + s["1.3"]
    n = 0
    if v["has_portal"]:
        n += 1
    if v["has_email"]:
        n += 1
    if v["docs_total"] > HUNDRED:
        n += 1
    if v["percent"] >= P85:
        n += 1
    fifth = COUNTS[n]
    sixth = min(max(v["percent"] * TWENTY - TWO, ZERO), FIFTEEN)
    return first, second, third, fourth, fifth, sixth


def inline(texts: list[str]) -> Callable[..., tuple[object, ...]]:
    """The formulas written inline into one generated function with the DSL's
    :class:`CodeWriter`, as the engine's block scorer writes a block's formulas."""
    writer = CodeWriter()
    formulas = [compile_formula(text, SCOPE) for text in texts]
    body = [f"    r{i} = {writer.expression(f)}" for i, f in enumerate(formulas)]
    names = ", ".join(f"r{i}" for i in range(len(texts)))
    source = "\n".join(["def formulas(values, scores, aggregates):", *body, f"    return {names}"])
    namespace = writer.namespace()
    exec(compile(source, "<formulas>", "exec"), namespace)
    return namespace["formulas"]


BY_HAND: list[Callable[[Record, Record, Record], object]] = [
    by_hand_ratio_cap,
    by_hand_steps,
    by_hand_portal,
    by_hand_group,
    by_hand_count,
    by_hand_clamp,
]


def records(rng: random.Random) -> list[tuple[dict[str, object], dict[str, Decimal]]]:
    """Seeded random units: documents, services, yes/no answers and criterion scores."""
    out = []
    for _ in range(RECORDS):
        total = rng.choice([0, rng.randint(1, 5000)])
        services = rng.randint(0, 300)
        values: dict[str, object] = {
            "docs_total": Decimal(total),
            "docs_electronic": Decimal(rng.randint(0, total)),
            "total_services": Decimal(services),
            "online_services": Decimal(rng.randint(0, services)),
            "has_portal": rng.random() < 0.7,
            "has_email": rng.random() < 0.5,
            "percent": Decimal(rng.randint(0, 10000)).scaleb(-4),
        }
        scores = {key: Decimal(rng.randint(0, 40)).scaleb(-1) for key in ("1.1", "1.2", "1.3")}
        out.append((values, scores))
    return out


def run(functions: list[Callable[..., object]], data: list[tuple[dict, dict]]) -> list[object]:
    aggregates: dict[str, Decimal] = {}
    results = []
    append = results.append
    for values, scores in data:
        for function in functions:
            append(function(values, scores, aggregates))
    return results


def timed(functions: list[Callable[..., object]], data: list[tuple[dict, dict]]) -> float:
    start = time.process_time()  # CPU time: other processes on the machine do not count
    run(functions, data)
    return time.process_time() - start


def paired_round(
    compiled: list[Callable[..., object]],
    data: list[tuple[dict, dict]],
    flip: bool,
    by_hand: list[Callable[..., object]] = BY_HAND,
) -> tuple[float, float]:
    """One round: both sides over the same records, alternating in small chunks.

    Interleaving chunks pairs the two measurements closely in time, so a burst of
    activity from another process affects both sides alike.
    """
    dsl = hand = 0.0
    size = len(data) // CHUNKS
    for index in range(CHUNKS):
        chunk = data[index * size : (index + 1) * size]
        if (index + flip) % 2:
            hand += timed(by_hand, chunk)
            dsl += timed(compiled, chunk)
        else:
            dsl += timed(compiled, chunk)
            hand += timed(by_hand, chunk)
    return dsl, hand


def inline_rounds(formulas: Callable[..., tuple[object, ...]], data: list) -> float:
    """Median ratio, over paired interleaved rounds, of the inline formulas to
    :func:`by_hand_all`; both must give the same results (exit status 1 if not)."""
    if [formulas(v, s, {}) for v, s in data] != [by_hand_all(v, s, {}) for v, s in data]:
        print("MISMATCH between the inline formulas and by_hand_all")
        sys.exit(1)
    ratios = []
    for round_number in range(ROUNDS + 1):
        dsl, hand = paired_round([formulas], data, bool(round_number % 2), [by_hand_all])
        if round_number:  # the first is a warm-up
            ratios.append(dsl / hand)
    return statistics.median(ratios)


def compile_texts() -> list[str]:
    """COMPILE_COUNT distinct formulas: the benchmark's shapes over 25 sets of inputs.

    Formulas of one shape (differing only in constants) share the Python compiler's
    work, as they do in real packs, so the inputs vary too.
    """
    texts = []
    for i in range(COMPILE_COUNT):
        text = FORMULAS[i % len(FORMULAS)]
        for name in SCOPE.names:
            text = text.replace(name, f"{name}_{i % 25}")
        texts.append(f"{text} + {i}")
    return texts


def compile_time(texts: list[str], scope: Scope) -> float:
    """Seconds to parse, check and compile ``texts``."""
    start = time.perf_counter()
    for text in texts:
        compile_formula(text, scope)
    return time.perf_counter() - start


def main() -> int:
    compiled = [compile_formula(text, SCOPE) for text in FORMULAS]
    data = records(random.Random(SEED))

    expected, got = run(BY_HAND, data), run(compiled, data)
    mismatches = [
        i for i, (e, g) in enumerate(zip(expected, got, strict=True)) if e != g or str(e) != str(g)
    ]
    if mismatches:
        i = mismatches[0]
        print(
            f"MISMATCH in {len(mismatches)} results; first: formula {FORMULAS[i % len(FORMULAS)]!r}"
        )
        print(f"  hand-written {expected[i]!r}, compiled {got[i]!r}")
        return 1
    print(f"{len(FORMULAS)} formulas x {RECORDS:,} records: results identical")

    paired_round(compiled, data, False)  # warm-up
    ratios, dsl_times, hand_times = [], [], []
    for round_number in range(ROUNDS):
        dsl, hand = paired_round(compiled, data, bool(round_number % 2))
        dsl_times.append(dsl)
        hand_times.append(hand)
        ratios.append(dsl / hand)
    calls = RECORDS * len(FORMULAS)
    print(f"compiled:     median {statistics.median(dsl_times) / calls * 1e9:7.0f} ns per call")
    print(f"hand-written: median {statistics.median(hand_times) / calls * 1e9:7.0f} ns per call")
    print(f"each formula called as a Formula object: ratio {statistics.median(ratios):.2f}")
    inline_ratio = inline_rounds(inline(FORMULAS), data)
    print(f"the formulas inline in one function (as a block is scored): ratio {inline_ratio:.2f}")
    texts = compile_texts()
    names = {f"{name}_{i}": kind for name, kind in SCOPE.names.items() for i in range(25)}
    scope = Scope(names=names, criteria=SCOPE.criteria, aggregatable=())
    compile_formula("1 + 1", scope)  # the parser is built once per process, not timed
    seconds = compile_time(texts, scope)
    print(f"parse + check + compile {COMPILE_COUNT} formulas: {seconds:.3f} s")
    print(f"ratio vs hand-written: {statistics.median(ratios):.2f} (per call), "
          f"{inline_ratio:.2f} (inline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

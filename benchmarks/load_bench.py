"""Start-up cost of real work: in a fresh process, load every installed pack version and
evaluate one unit of each of its blocks.

This is what a command-line run or a freshly started worker pays before its first result:
importing the library, reading and checking the pack files, compiling the formulas of the
blocks it uses. Each round runs in a new Python process (so nothing is cached in memory);
the figure is measured inside the child from before ``import criteria_engine`` to the last
result, and the median of the rounds is printed (the process's own start-up is shown too).

The first round is not counted: it fills Python's bytecode cache and the library's cache
of compiled packs, as the first run after installing does on a user's machine; later
rounds reuse them. ``--cold`` points the pack cache at an empty folder for every round
(Python's bytecode stays cached), which shows the cost of a pack loaded the first time.

Run: ``python benchmarks/load_bench.py``. The last line reads ``load + evaluate: <s>``.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROUNDS = 7

CHILD = r"""
import time
start = time.perf_counter()
import datetime as dt
import criteria_engine as ce

def record(pack, block):
    year = str(pack.decision.effective.year)
    on_roster = [u for u in pack.roster if u.block == block.id and u.period in (None, year)]
    unit_id = on_roster[0].id if on_roster else f"bench-{block.id}"
    inputs = {}
    for name, spec in block.inputs.items():
        if spec.type == "boolean":
            inputs[name] = False
        elif spec.type == "choice":
            inputs[name] = spec.choices[0]
        elif spec.type == "date":
            inputs[name] = f"{year}-06-30"
        elif spec.type == "text":
            inputs[name] = "x"
        else:
            inputs[name] = str(spec.min if spec.min is not None else 0)
    return {"id": unit_id, "name": unit_id, "block": block.id, "period": year,
            "inputs": inputs}

results = 0
for ref in ce.installed_packs():
    pack = ce.load_pack(ref.path)
    for block in pack.blocks:
        result = ce.evaluate(pack, record(pack, block))
        assert result.total >= 0
        results += 1
print(results, time.perf_counter() - start)
"""


def installed_like(scratch: str) -> dict[str, str]:
    """The environment of an installed library: Python keeps its bytecode (in a folder of
    its own here, so the source tree is left alone) even where it is told not to."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = os.path.join(scratch, "pycache")
    return env


def run_child(env: dict[str, str]) -> tuple[int, float, float]:
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, check=False
    )
    wall = time.perf_counter() - began
    if done.returncode:
        sys.exit(f"the child process failed:\n{done.stderr}")
    results, inside = done.stdout.split()
    return int(results), float(inside), wall


def main() -> None:
    cold = "--cold" in sys.argv
    times, walls, results = [], [], 0
    with tempfile.TemporaryDirectory() as scratch:
        for round_number in range(ROUNDS + 1):
            env = installed_like(scratch)
            if cold:
                env["CRITERIA_ENGINE_CACHE"] = os.path.join(scratch, str(round_number))
            results, inside, wall = run_child(env)
            if round_number:  # the first round warms the OS file cache (and the code cache)
                times.append(inside)
                walls.append(wall)
    bare = statistics.median(run_child_bare() for _ in range(ROUNDS))
    print(json.dumps({"blocks evaluated": results, "rounds": ROUNDS, "cold cache": cold}))
    print(f"process start-up (python -c pass): {bare:.3f} s")
    print(f"whole child process: median {statistics.median(walls):.3f} s")
    print(f"load + evaluate: {statistics.median(times):.3f} s")


def run_child_bare() -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - began


if __name__ == "__main__":
    main()

"""Start-up time of ``criteria-engine packs`` against ``python -c pass``.

Listing the installed packs is the lightest command; its time is mostly what importing
the library costs, which every command pays. Both commands are run alternately
(interleaved, so a busy machine slows both alike), 10 times each after a warm-up; the
medians and their ratio are printed. Python keeps its bytecode as in an installed library
(in a temporary folder, so the source tree is left alone).

Run: ``python benchmarks/cli_bench.py``. The last line reads ``ratio vs python -c pass: X``.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 10


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    script = shutil.which("criteria-engine", path=str(Path(sys.executable).parent))
    cli = [script] if script else [sys.executable, "-m", "criteria_engine"]
    with tempfile.TemporaryDirectory() as scratch:
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = os.path.join(scratch, "pycache")
        bare_command = [sys.executable, "-c", "pass"]
        packs_command = [*cli, "packs"]
        timed(bare_command, env)
        timed(packs_command, env)  # warm-up: fills the bytecode and pack caches
        bare, packs = [], []
        for _ in range(RUNS):
            bare.append(timed(bare_command, env))
            packs.append(timed(packs_command, env))
    print(f"python -c pass: median {statistics.median(bare) * 1000:.0f} ms")
    print(f"criteria-engine packs: median {statistics.median(packs) * 1000:.0f} ms")
    print(f"ratio vs python -c pass: {statistics.median(packs) / statistics.median(bare):.2f}")


if __name__ == "__main__":
    main()

"""Peak memory of a large batch streamed from files to CSV.

Writes submission files (1,000 units each) into a temporary folder, then runs
``criteria-engine evaluate PACK FOLDER --format csv -o out.csv`` in a child process for
10,000 and for 100,000 units and reads each child's peak resident memory from the
operating system (``resource.getrusage(RUSAGE_CHILDREN)``, so the whole process counts:
interpreter, library, pack and every unit's ranking line). Files are read one at a time,
so what grows with the batch is only what ranking keeps per unit; the last line gives
the ratio of the two peaks, which stays near 1 when that is small and flat.

The pack is a copy of Hưng Yên without its roster, so that the generated unit ids are
accepted. Run: ``python benchmarks/rss_bench.py`` (``--quick``: 2,000 and 20,000 units).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from engine_bench import make_units, rosterless_copy

PER_FILE = 1000


def write_files(folder: Path, count: int) -> None:
    """``count`` units in files of :data:`PER_FILE`, ids unique across files."""
    folder.mkdir()
    template = make_units(PER_FILE, seed=7)
    for f in range(count // PER_FILE):
        for j, unit in enumerate(template):
            unit["id"] = f"so-{f:03d}-{j:04d}"
            unit["name"] = f"Sở thử nghiệm {f:03d}-{j:04d}"
        path = folder / f"batch-{f:03d}.json"
        path.write_text(json.dumps({"units": template}, ensure_ascii=False), "utf-8")


def peak_of_run(pack: Path, folder: Path, out: Path) -> tuple[float, float]:
    """(peak RSS in MB, seconds) of one child process evaluating ``folder``."""
    script = Path(sys.executable).parent / "criteria-engine"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "criteria_engine"]
    command += ["evaluate", str(pack), str(folder), "--format", "csv", "-o", str(out), "-q"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"evaluate failed ({done.returncode}):\n{done.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak <= before:
        sys.exit("could not measure the child's peak (a larger child ran before)")
    return peak / 1024, seconds  # ru_maxrss is in KiB on Linux


def main() -> None:
    small, large = (2_000, 20_000) if "--quick" in sys.argv else (10_000, 100_000)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        pack = root / "hungyen"
        rosterless_copy(scratch)
        figures = {}
        for count in (small, large):  # the smaller first: children's peak only grows
            folder = root / f"units-{count}"
            write_files(folder, count)
            out = root / f"out-{count}.csv"
            peak, seconds = peak_of_run(pack, folder, out)
            rows = sum(1 for _ in out.open(encoding="utf-8")) - 1
            figures[count] = peak
            print(f"{count:,} units streamed from files to CSV: peak RSS {peak:.0f} MB, "
                  f"{seconds:.1f} s, {rows:,} rows written")
    print(f"peak ratio {large:,} / {small:,} units: {figures[large] / figures[small]:.2f}")


if __name__ == "__main__":
    main()

"""`make bench`: stage times on synthetic repositories, and the targets as side-by-side ratios.

Each ratio compares two measurements taken in the same run, alternating, best of several rounds,
so the machine's load affects both sides alike.
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import yaml

from builder.load import load_file
from builder.validate import validate

from .synthetic import generate

ROUNDS = 3


def best_of(*runs: Callable[[], object]) -> list[float]:
    """Best wall time of each callable over ROUNDS rounds, run alternately."""
    best = [float("inf")] * len(runs)
    for _ in range(ROUNDS):
        for index, run in enumerate(runs):
            started = time.perf_counter()
            run()
            best[index] = min(best[index], time.perf_counter() - started)
    return best


def main() -> int:
    rows: list[tuple[str, str]] = []
    targets: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="briefings-bench-") as folder:
        root = generate(Path(folder) / "briefings", 10_000, briefings=100)
        files = sorted((root / "events").glob("*.yaml"))

        def c_loader() -> None:
            for file in files:
                yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

        def strict_loader() -> None:
            for file in files:
                doc, problems = load_file(file, file.name)
                assert doc is not None and not problems, problems

        def read_bytes() -> None:
            for file in files:
                file.read_bytes()

        c_time, strict_time, read_time = best_of(c_loader, strict_loader, read_bytes)
        rows += [
            ("event files", f"{len(files):,}"),
            ("read bytes only", f"{read_time:.2f} s"),
            ("yaml.load, CSafeLoader", f"{c_time:.2f} s"),
            ("strict loader, positions and all", f"{strict_time:.2f} s"),
        ]
        targets.append(("strict-loader/c-loader", strict_time / c_time, 1.0))

        started = time.perf_counter()
        repository = validate(root)
        check_time = time.perf_counter() - started
        # Traced separately: tracing allocations slows Python down several times.
        tracemalloc.start()
        validate(root)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        records = sum(len(getattr(repository, kind)) for kind in ("sources", "places", "actors", "events", "quotes"))
        rows += [
            ("records in the repository", f"{records + len(repository.briefings):,}"),
            ("load + validate everything", f"{check_time:.2f} s"),
            ("peak traced memory of that", f"{peak:.0f} MiB"),
        ]
        targets.append(("check-peak-memory-mib", peak, 500.0))

    width = max(len(name) for name, _ in rows)
    print("\n".join(f"{name:<{width}}  {value}" for name, value in rows))
    print()
    failed = 0
    for name, value, limit in targets:
        verdict = "ok" if value <= limit else "FAIL"
        failed += verdict == "FAIL"
        print(f"target {name}: {value:.2f} (limit {limit:.1f}) {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""`make bench`: stage times on synthetic repositories, and the targets as side-by-side ratios.

Each ratio compares two measurements taken in the same run, alternating, best of several rounds,
so the machine's load affects both sides alike.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import yaml

from builder import pipeline
from builder.load import load_file
from builder.render import render
from builder.validate import validate
from builder.write import write

from .synthetic import generate

ROUNDS = 3
ROOT = Path(__file__).resolve().parent.parent


def best_of(*runs: Callable[[], object]) -> list[float]:
    """Best wall time of each callable over ROUNDS rounds, run alternately."""
    best = [float("inf")] * len(runs)
    for _ in range(ROUNDS):
        for index, run in enumerate(runs):
            started = time.perf_counter()
            run()
            best[index] = min(best[index], time.perf_counter() - started)
    return best


def stages(events: int, briefings: int) -> list[tuple[str, str]]:
    """Each stage of a cold build of a synthetic site, the MkDocs build of its pages, and rebuilds."""
    with tempfile.TemporaryDirectory(prefix="briefings-stages-") as folder:
        work = Path(folder)
        data = generate(work / "briefings", events, briefings=briefings)
        shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
        shutil.copytree(ROOT / "overrides", work / "overrides")
        shutil.copytree(ROOT / "docs", work / "docs", ignore=shutil.ignore_patterns("generated", ".generated"))
        docs = work / "docs"
        started = time.perf_counter()
        repository = validate(data)
        checked = time.perf_counter()
        pages = {**pipeline.handwritten(docs), **render(repository)}
        rendered = time.perf_counter()
        write(pages, docs / pipeline.GENERATED)
        written = time.perf_counter()
        command = [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(work / "mkdocs.yml")]
        environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        subprocess.run(command, check=True, env=environment, capture_output=True)
        built = time.perf_counter()
        pipeline.build(data, docs)  # records what the pages were made from
        started_again = time.perf_counter()
        pipeline.build(data, docs)
        noop = time.perf_counter() - started_again
        event = next(iter(sorted((data / "events").glob("*.yaml"))))
        event.write_text(event.read_text().replace("title: ", "title: Revised, ", 1))
        current = (docs / pipeline.GENERATED).resolve()
        before = {p.relative_to(current): p.stat().st_ino for p in current.rglob("*") if p.is_file()}
        started_again = time.perf_counter()
        pipeline.build(data, docs)
        edit = time.perf_counter() - started_again
        after = (docs / pipeline.GENERATED).resolve()
        rewritten = sum(
            1 for p in after.rglob("*") if p.is_file() and before.get(p.relative_to(after)) != p.stat().st_ino
        )
        label = f"{events:,} events, {len(pages):,} pages"
        return [
            ("", ""),
            (f"cold build, {label}", ""),
            ("  load + validate", f"{checked - started:.2f} s"),
            ("  render", f"{rendered - checked:.2f} s"),
            ("  write", f"{written - rendered:.2f} s"),
            ("  MkDocs build of those pages", f"{built - written:.2f} s"),
            ("  no-op rebuild (nothing changed)", f"{noop:.2f} s"),
            ("  one-event edit rebuild", f"{edit:.2f} s, {rewritten} files rewritten"),
        ]


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

    rows += stages(1_000, 100)

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

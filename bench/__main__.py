"""`make bench`: the builder and MkDocs on synthetic repositories, and the targets they must meet.

`python -m bench` generates 1,000 events with 100 briefings and 10,000 events with 1,000 briefings,
and the same 10,000 events and 1,000 briefings again with every event on one day;
`python -m bench --small` generates 200 and 2,000 events (20 and 200 briefings) for a quick try. The
target names stay the same, so read `10k`/`1k` as "the larger"/"the smaller" repository.

Each repository gets its own working folder holding copies of the project's `mkdocs.yml`,
`overrides/` and hand-written `docs/`, and its own builder cache (`BRIEFINGS_CACHE` points at its
`.cache/briefings`, so a cold run can start without it). It is measured like this:

- Rounds (ROUNDS of them; each time is the best over the rounds, so the machine's load affects
  every measurement alike). Each round: the stages separately from scratch (load + validate,
  render with the hand-written pages, write); then a cold `pipeline.build` as `make site` runs
  it: in a fresh process (`bench.cold`, timed from the first stage to the last, so nothing an
  earlier build compiled or cached in this process helps), after moving `docs/generated`,
  `docs/.generated`, `.cache` and `site` aside (see `clear`; they are deleted once the round's
  timing is done). Then, as the
  preview runs them, in one process whose `reuse.Memory` a first (untimed) build fills: a no-op
  `pipeline.build`, and a `pipeline.build` after one event's title changed (a different event each
  round). Last, another event's title changed and a one-off build in a fresh process, as `make
  site` after an edit: shown in the table, not a target.
- No-op rebuild: every file of the generated tree must keep its inode and modification time, and
  `docs/generated` must still point at the same build.
- One-event edit: a file counts as rewritten when its inode differs from the previous build's;
  unchanged files are hard links to it. A rewritten file whose bytes equal the previous build's
  is a needless rewrite.
- MkDocs (M): one plain `mkdocs build --strict` of the built pages, in a subprocess, because on
  10,000 events it takes about a minute; per-page time is that over the Markdown pages in the
  generated tree. On the larger repository it is timed a second time between two cold runs of
  `briefings site` (below), and the best of the two is M.
- Memory: a cold `python -m builder build` in its own process, with its forked workers; its peak
  resident set comes from `os.wait4` in `bench.peak`, a small launcher, so neither MkDocs's runs
  nor the bench's own memory mix in.

Then, on the larger repository only, the waits people have (`bench.waits`), once each unless said, each timed
as the wall time of fresh processes started from the working folder with `--data` and the cache
as above, and each a target as a ratio to M:

- `briefings site` (`python -m builder site`, what `make site` runs): cold, after `clear`, twice
  with M's second run between them, the best of the two taken (the longest runs, so the ones a
  busy minute on the machine moves most: best of two on both sides of their ratio); then
  again with nothing changed, when no file under `site/` may be added, removed or rewritten (inode
  and modification time); then again after one event's title changed.
- Its peak memory, the higher of the two cold runs': the proportional set size (PSS) of the process and all its
  descendants, summed, sampled every 0.1 s from /proc by a thread of the bench (`bench.memory`).
  Sampled on the timed run itself: a sample costs a few ms of CPU, which the thread takes at the
  lowest priority, so the build, mostly on one core of several, loses next to nothing (the
  samples come later while every core is busy).
- The preview (`briefings serve`): started cold (after `clear`) and then with the caches the first
  left, each timed until `/` is served as HTML, and stopped with SIGTERM. In the second, SAVES
  saves, each a new title written into a different event's file, timed until that event's page
  (found in the last build's `docs/generated`) shows it, asked every 20 ms; the target is the best
  save, the table also shows the worst. Each save must make the preview print exactly one line,
  `rebuilt ...`, and nothing else (stdout and stderr, from the write until the output settles).
- A cold `briefings site` of the one-day repository, as a ratio to the spread one's instead of M.

The strict loader is compared with `yaml.CSafeLoader` on the larger repository's event files,
alternating, best of ROUNDS. Every ratio divides two measurements of the same run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import yaml

from builder import handwritten, pipeline
from builder.load import load_file
from builder.render import render
from builder.reuse import Memory
from builder.validate import validate
from builder.write import write

from .waits import SAVES, SiteRun, Waits, cold_site, preview_waits, site_waits
from .workspace import ROOT, BenchError, clear, clear_site, edit_event, empty_trash, use_cache_in, workspace

ROUNDS = 3
SIZES = ((1_000, 100), (10_000, 1_000))
SMALL_SIZES = ((200, 20), (2_000, 200))


@dataclass(frozen=True)
class File:
    inode: int
    mtime: int
    digest: bytes


@dataclass
class Rebuild:
    """The best time of a rebuild and, over all rounds, the most files it rewrote."""

    seconds: float = float("inf")
    rewritten: int = 0
    needless: int = 0
    moved: bool = False

    def add(self, seconds: float, rewritten: int, needless: int = 0, moved: bool = False) -> None:
        self.seconds = min(self.seconds, seconds)
        self.rewritten = max(self.rewritten, rewritten)
        self.needless = max(self.needless, needless)
        self.moved |= moved


@dataclass
class Measured:
    """Everything measured on one repository."""

    label: str
    validate: float = float("inf")
    render: float = float("inf")
    write: float = float("inf")
    cold: float = float("inf")
    edit_one_off: float = float("inf")
    noop: Rebuild | None = None
    edit: Rebuild | None = None
    files: int = 0
    pages: int = 0
    mkdocs: float = 0.0
    process: float = 0.0
    peak_mib: float = 0.0
    waits: Waits | None = None

    @property
    def mkdocs_ms_per_page(self) -> float:
        return self.mkdocs / self.pages * 1000


@dataclass(frozen=True)
class Target:
    name: str
    value: float
    limit: float
    digits: int = 2
    below: bool = False
    """True when the value must stay strictly below the limit rather than at most reach it."""
    problem: str = ""
    """Why it fails whatever the value, e.g. files a no-op rebuild wrote."""

    @property
    def ok(self) -> bool:
        # Judged as printed, so a script reading the line reaches the same verdict.
        value = round(self.value, self.digits)
        within = value < self.limit if self.below else value <= self.limit
        return within and not self.problem

    def line(self) -> str:
        # At least one decimal under 10 (1.0, not 1), and as many as the limit has (0.05, not 0.1).
        limit = f"{self.limit:g}" if self.limit >= 10 or self.limit != round(self.limit, 1) else f"{self.limit:.1f}"
        verdict = "ok" if self.ok else "FAIL" + (f" ({self.problem})" if self.problem else "")
        return f"target {self.name}: {self.value:.{self.digits}f} (limit {limit}) {verdict}"


def build(data: Path, docs: Path, memory: Memory | None = None) -> None:
    """The builder's whole run; the one place that knows `pipeline.build`'s signature."""
    pipeline.build(data, docs, memory)


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def snapshot(docs: Path) -> tuple[Path, dict[str, File]]:
    """The build `docs/generated` points at, and each of its files' identity and content digest."""
    build_folder = (docs / pipeline.GENERATED).resolve()
    files = {}
    for folder, _, names in os.walk(build_folder):
        for name in names:
            path = Path(folder, name)
            status = path.stat()
            with path.open("rb") as stream:
                digest = hashlib.file_digest(stream, "sha256").digest()
            files[path.relative_to(build_folder).as_posix()] = File(status.st_ino, status.st_mtime_ns, digest)
    return build_folder, files


def rewrites(before: dict[str, File], after: dict[str, File]) -> tuple[int, int]:
    """Files written anew (not hard links to the previous build), and how many of those hold the same bytes."""
    rewritten = [path for path, file in after.items() if (file.inode, file.mtime) != _identity(before.get(path))]
    needless = [path for path in rewritten if path in before and before[path].digest == after[path].digest]
    return len(rewritten), len(needless)


def _identity(file: File | None) -> tuple[int, int] | None:
    return (file.inode, file.mtime) if file else None


def stage_times(data: Path, docs: Path) -> tuple[float, float, float]:
    """Load + validate, render (with the hand-written pages), write: each timed, from nothing built."""
    started = time.perf_counter()
    repository = validate(data)
    validated = time.perf_counter()
    pages = {**handwritten.read(docs), **render(repository, data_folder=data.name)}
    rendered = time.perf_counter()
    write(pages, docs / pipeline.GENERATED)
    return validated - started, rendered - validated, time.perf_counter() - rendered


def builder_rounds(data: Path, work: Path, measured: Measured) -> None:
    """The stages, a cold build, a no-op rebuild and a one-event edit, alternating for ROUNDS rounds."""
    docs = work / "docs"
    noop, edit = Rebuild(), Rebuild()
    for index in range(ROUNDS):
        clear(work)
        validated, rendered, written = stage_times(data, docs)
        measured.validate = min(measured.validate, validated)
        measured.render = min(measured.render, rendered)
        measured.write = min(measured.write, written)
        clear(work)
        measured.cold = min(measured.cold, fresh_build(data, work))

        # The preview: one process building again on each save, its memory filled by its first build.
        memory = Memory()
        build(data, docs, memory)
        folder, before = snapshot(docs)
        seconds = timed(partial(build, data, docs, memory))
        moved_to, after = snapshot(docs)
        noop.add(seconds, rewrites(before, after)[0], moved=moved_to != folder)

        edit_event(data, index)
        seconds = timed(partial(build, data, docs, memory))
        _, edited = snapshot(docs)
        edit.add(seconds, *rewrites(after, edited))
        measured.files = len(edited)

        # `make site` after an edit: a new process, with only the parse cache from earlier runs.
        edit_event(data, ROUNDS + index)
        measured.edit_one_off = min(measured.edit_one_off, fresh_build(data, work))
        empty_trash(work)
    measured.noop, measured.edit = noop, edit


def fresh_build(data: Path, work: Path) -> float:
    """Seconds of one `pipeline.build` in a fresh process (`bench.cold`), from its first stage to its last."""
    command = [sys.executable, "-m", "bench.cold", str(data)]
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, cwd=work, capture_output=True, text=True, env=environment)
    try:
        return float(json.loads(done.stdout.strip().splitlines()[-1])["seconds"])
    except (IndexError, KeyError, ValueError) as error:
        raise BenchError(f"bench.cold failed in {work}:\n{done.stdout}{done.stderr}") from error


def run_mkdocs(work: Path) -> float:
    """Wall time of one strict `mkdocs build` of the pages in `work/docs/generated`; fails on any warning."""
    # Not --quiet: MkDocs 1.6 stops counting warnings under it, and --strict then never fails.
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(work / "mkdocs.yml")]
    started = time.perf_counter()
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(command, cwd=work, env=environment, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode or "WARNING" in done.stderr:
        raise BenchError(f"mkdocs build failed in {work}:\n{done.stdout}{done.stderr}")
    return seconds


def builder_process(data: Path, work: Path) -> tuple[float, float]:
    """Wall time and peak resident memory (MiB) of a cold `python -m builder build` in its own process.

    Started through `bench.peak`, so that its peak is the builder's (and its workers') alone.
    """
    clear(work)
    command = [sys.executable, "-m", "bench.peak", sys.executable, "-m", "builder", "build", "--data", str(data)]
    done = subprocess.run(
        command, cwd=work, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    empty_trash(work)
    try:
        result = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError) as error:
        raise BenchError(f"no measurement from bench.peak in {work}:\n{done.stdout}{done.stderr}") from error
    if result["code"]:
        raise BenchError(f"builder failed in {work}:\n{done.stdout}{done.stderr}")
    return float(result["seconds"]), float(result["peak_kib"]) / 1024


def measure(data: Path, work: Path, label: str) -> Measured:
    """Every measurement of one repository; see the module docstring."""
    measured = Measured(label)
    use_cache_in(work)
    builder_rounds(data, work, measured)
    measured.pages = sum(1 for _ in (work / "docs" / pipeline.GENERATED).resolve().rglob("*.md"))
    measured.mkdocs = run_mkdocs(work)
    measured.process, measured.peak_mib = builder_process(data, work)
    return measured


def measure_waits(data: Path, work: Path, measured: Measured, one_day: tuple[Path, Path]) -> None:
    """The waits of `briefings site` and the preview, and a cold `briefings site` of the one-day repository.

    M and the cold `briefings site`, the two longest runs, are each timed once more, alternating
    (S, M, then `site_waits`' own S), and the best of each is kept: one busy minute on the machine
    then moves their ratio far less.
    """
    waits = Waits()
    first = cold_site(data, work)
    clear_site(work)
    measured.mkdocs = min(measured.mkdocs, run_mkdocs(work))
    site_waits(data, work, waits, edited=2 * ROUNDS)
    second = waits.site_cold
    assert second is not None
    waits.site_cold = SiteRun(min(first.seconds, second.seconds), max(first.peak_mib, second.peak_mib))
    saved = [2 * ROUNDS + 1 + number for number in range(SAVES)]
    preview_waits(data, work, waits, saved, save_limit=max(60.0, 2 * measured.mkdocs))
    waits.site_cold_one_day = cold_site(*one_day)
    measured.waits = waits


def best_of(*runs: Callable[[], object]) -> list[float]:
    """Best wall time of each callable over ROUNDS rounds, run alternately."""
    best = [float("inf")] * len(runs)
    for _ in range(ROUNDS):
        for index, run in enumerate(runs):
            best[index] = min(best[index], timed(run))
    return best


def loaders(data: Path) -> dict[str, float]:
    """Seconds to read, to parse with CSafeLoader and to load strictly every event file."""
    files = sorted((data / "events").glob("*.yaml"))

    def read_bytes() -> None:
        for file in files:
            file.read_bytes()

    def c_loader() -> None:
        for file in files:
            yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

    def strict_loader() -> None:
        for file in files:
            doc, problems = load_file(file, file.name)
            if doc is None or problems:
                raise BenchError(f"the synthetic {file.name} does not load: {problems}")

    read, c, strict = best_of(read_bytes, c_loader, strict_loader)
    return {"files": len(files), "read": read, "c": c, "strict": strict}


def table(small: Measured, large: Measured, loading: dict[str, float]) -> list[tuple[str, str, str]]:
    """Rows of (measurement, smaller repository, larger repository)."""

    def both(name: str, show: Callable[[Measured], str]) -> tuple[str, str, str]:
        return name, show(small), show(large)

    def larger(name: str, value: str) -> tuple[str, str, str]:
        return name, "", value

    def rebuilt(rebuild: Rebuild | None, files: int) -> str:
        assert rebuild is not None
        needless = f", {rebuild.needless} needlessly" if rebuild.needless else ""
        moved = ", new build folder" if rebuild.moved else ""
        return f"{rebuild.seconds:.2f} s, {rebuild.rewritten:,} of {files:,} files rewritten{needless}{moved}"

    def waited(waits: Waits | None) -> list[tuple[str, str, str]]:
        assert waits is not None and waits.site_cold and waits.site_cold_one_day
        saves = sorted(save.seconds for save in waits.saves)
        return [
            larger("briefings site, cold, whole process", f"{waits.site_cold.seconds:.2f} s"),
            larger("  its peak memory, PSS of all its processes", f"{waits.site_cold.peak_mib:.0f} MiB"),
            larger(
                "  again, nothing changed", f"{waits.site_noop:.2f} s, {waits.site_noop_problem or 'no file touched'}"
            ),
            larger("  again, after a one-event edit", f"{waits.site_edit:.2f} s"),
            larger("  cold, all events on one day", f"{waits.site_cold_one_day.seconds:.2f} s"),
            larger("preview start, cold, until / is served", f"{waits.preview_cold:.2f} s"),
            larger("preview start, with caches", f"{waits.preview_cached:.2f} s"),
            larger(f"preview save to page, best / worst of {len(saves)}", f"{saves[0]:.2f} / {saves[-1]:.2f} s"),
        ]

    return [
        ("stage", small.label, large.label),
        both("load + validate", lambda m: f"{m.validate:.2f} s"),
        both("render (with hand-written pages)", lambda m: f"{m.render:.2f} s"),
        both("write", lambda m: f"{m.write:.2f} s"),
        both("cold builder run (fresh process, load to write)", lambda m: f"{m.cold:.2f} s"),
        both("cold builder run, whole process with start-up", lambda m: f"{m.process:.2f} s"),
        both("builder peak memory, own process", lambda m: f"{m.peak_mib:.0f} MiB"),
        both("generated files / Markdown pages", lambda m: f"{m.files:,} / {m.pages:,}"),
        both("MkDocs build (one run)", lambda m: f"{m.mkdocs:.2f} s"),
        both("MkDocs per page", lambda m: f"{m.mkdocs_ms_per_page:.2f} ms"),
        both("no-op rebuild", lambda m: rebuilt(m.noop, m.files)),
        both("one-event edit rebuild, preview", lambda m: rebuilt(m.edit, m.files)),
        both("one-event edit, one-off build", lambda m: f"{m.edit_one_off:.2f} s"),
        *waited(large.waits),
        larger("event files loaded", f"{int(loading['files']):,}"),
        larger("  read bytes only", f"{loading['read']:.2f} s"),
        larger("  yaml.load, CSafeLoader", f"{loading['c']:.2f} s"),
        larger("  strict loader, positions and all", f"{loading['strict']:.2f} s"),
    ]


def targets(small: Measured, large: Measured, loading: dict[str, float]) -> list[Target]:
    assert large.noop is not None and large.edit is not None
    noop_problem = f"wrote {large.noop.rewritten} files" if large.noop.rewritten else ""
    if large.noop.moved:
        noop_problem = ", ".join(filter(None, [noop_problem, "pointed docs/generated at a new build"]))
    edit_problem = f"{large.edit.needless} needless rewrites" if large.edit.needless else ""
    return [
        Target("strict-loader/c-loader", loading["strict"] / loading["c"], 1.0),
        Target("cold-builder/mkdocs", large.cold / large.mkdocs, 0.1),
        Target("noop-rebuild/cold-builder", large.noop.seconds / large.cold, 0.1, problem=noop_problem),
        Target("one-event-edit/cold-builder", large.edit.seconds / large.cold, 0.2, problem=edit_problem),
        Target("mkdocs-per-page-10k/1k", large.mkdocs_ms_per_page / small.mkdocs_ms_per_page, 1.3),
        Target("builder-peak-memory-mib", large.peak_mib, 500, digits=0, below=True),
        *waiting(large.waits, large.mkdocs),
    ]


def waiting(waits: Waits | None, mkdocs: float) -> list[Target]:
    """The waits' targets, each a ratio to one plain `mkdocs build` of the same pages."""
    assert waits is not None and waits.site_cold and waits.site_cold_one_day
    best = min(waits.saves, key=lambda save: save.seconds)
    failed = [(number, save.problem) for number, save in enumerate(waits.saves, 1) if save.problem]
    saves_problem = f"{len(failed)} of {len(waits.saves)} saves; save {failed[0][0]}: {failed[0][1]}" if failed else ""
    return [
        Target("site-cold/mkdocs", waits.site_cold.seconds / mkdocs, 0.5),
        Target("site-noop/mkdocs", waits.site_noop / mkdocs, 0.05, digits=3, problem=waits.site_noop_problem),
        Target("site-one-event-edit/mkdocs", waits.site_edit / mkdocs, 0.15),
        Target("preview-start-cold/mkdocs", waits.preview_cold / mkdocs, 0.6),
        Target("preview-start-cached/mkdocs", waits.preview_cached / mkdocs, 0.1),
        Target("preview-save-to-page/mkdocs", best.seconds / mkdocs, 0.03, digits=3, problem=saves_problem),
        Target("site-peak-memory-mib", waits.site_cold.peak_mib, 1024, digits=0, below=True),
        Target("site-cold-one-day/spread", waits.site_cold_one_day.seconds / waits.site_cold.seconds, 1.5),
    ]


def aligned(rows: list[tuple[str, str, str]]) -> str:
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def builder_sources() -> bytes:
    """A digest of the builder's code, which every build's no-op check also reads."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "builder").rglob("*")):
        if path.is_file() and path.suffix != ".pyc":
            digest.update(f"{path.relative_to(ROOT)}\0".encode() + path.read_bytes())
    return digest.digest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--small", action="store_true", help="200 and 2,000 events instead of 1,000 and 10,000")
    args = parser.parse_args(argv)
    (small_events, small_briefings), (large_events, large_briefings) = SMALL_SIZES if args.small else SIZES
    sources = builder_sources()
    try:
        with tempfile.TemporaryDirectory(prefix="briefings-bench-") as folder:
            small_data, small_work = workspace(Path(folder), small_events, small_briefings)
            large_data, large_work = workspace(Path(folder), large_events, large_briefings)
            one_day = workspace(Path(folder), large_events, large_briefings, one_day=True)
            loading = loaders(large_data)
            small = measure(small_data, small_work, f"{small_events:,} events / {small_briefings:,} briefings")
            large = measure(large_data, large_work, f"{large_events:,} events / {large_briefings:,} briefings")
            measure_waits(large_data, large_work, large, one_day)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    if builder_sources() != sources:
        # A changed builder makes the next build a full one, so rebuild times would be wrong.
        print("bench: the builder's code changed during the run; run it again", file=sys.stderr)
    print(aligned(table(small, large, loading)))
    print()
    results = targets(small, large, loading)
    print("\n".join(target.line() for target in results))
    return 0 if all(target.ok for target in results) else 1


if __name__ == "__main__":
    sys.exit(main())

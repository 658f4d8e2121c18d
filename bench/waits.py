"""The waits people have: `briefings site` and the preview, each in a fresh process as a user starts it.

Every command runs from the working folder, with `--data` the data folder and the builder's cache
where `use_cache_in` puts it, and is timed from before it starts.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from builder import pipeline

from .memory import PeakMemory
from .workspace import ROOT, SITE, BenchError, clear, edit_event, empty_trash, retitle, use_cache_in

SAVES = 3
# How often a waiting user's browser, here the bench, asks for the page again.
POLL = 0.02
# A preview that serves nothing after this long is broken rather than slow.
START_LIMIT = 1800.0
STOP_LIMIT = 60.0
# Output counts as finished once the preview has printed nothing for QUIET seconds.
QUIET = 0.5
# How long after the page showed a save the preview may still print that save's line.
SETTLE_LIMIT = 5.0
REBUILT = "rebuilt "


@dataclass(frozen=True)
class SiteRun:
    seconds: float
    peak_mib: float


@dataclass(frozen=True)
class Save:
    seconds: float
    problem: str = ""


@dataclass
class Waits:
    """The waits measured on one repository; see the bench's docstring."""

    site_cold: SiteRun | None = None
    site_noop: float = float("inf")
    site_noop_problem: str = ""
    site_edit: float = float("inf")
    preview_cold: float = float("inf")
    preview_cached: float = float("inf")
    saves: list[Save] = field(default_factory=list)
    site_cold_one_day: SiteRun | None = None


def site_waits(data: Path, work: Path, waits: Waits, edited: int) -> None:
    """`briefings site` cold, again with nothing changed, and again after event `edited`'s title changed."""
    waits.site_cold = cold_site(data, work)
    before = identities(work / SITE)
    waits.site_noop = site(data, work).seconds
    waits.site_noop_problem = changes(before, identities(work / SITE))
    edit_event(data, edited)
    waits.site_edit = site(data, work).seconds


def site(data: Path, work: Path) -> SiteRun:
    """Wall time and peak memory (PSS of the process tree, MiB) of one `python -m builder site`."""
    command = [sys.executable, "-m", "builder", "site", "--data", str(data)]
    started = time.perf_counter()
    with (
        subprocess.Popen(
            command, cwd=work, env=_environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        ) as process,
        PeakMemory(process.pid) as peak,
    ):
        output, _ = process.communicate()
        seconds = time.perf_counter() - started
    if process.returncode:
        raise BenchError(f"briefings site failed in {work}:\n{output}")
    return SiteRun(seconds, peak.mib)


def cold_site(data: Path, work: Path) -> SiteRun:
    """A cold `briefings site`, measured as `site_waits` measures it; its pages and site are left in place."""
    use_cache_in(work)
    clear(work)
    run = site(data, work)
    empty_trash(work)
    return run


def identities(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file under `folder` (a link to one: the file it points to), with its inode and mtime in ns."""
    found = {}
    for here, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(here, name)
            status = os.stat(path) if os.path.exists(path) else os.lstat(path)
            found[os.path.relpath(path, folder)] = (status.st_ino, status.st_mtime_ns)
    return found


def changes(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> str:
    """What differs between two `identities` of a folder, in words; empty when nothing does."""
    rewritten = sum(1 for path, identity in after.items() if path in before and before[path] != identity)
    added, removed = len(after.keys() - before.keys()), len(before.keys() - after.keys())
    said = [f"rewrote {rewritten} of {len(before)} files"] if rewritten else []
    said += [f"added {added} files"] if added else []
    said += [f"removed {removed} files"] if removed else []
    return ", ".join(said)


def preview_waits(data: Path, work: Path, waits: Waits, saved: list[int], save_limit: float) -> None:
    """The preview started cold, then started cached, and in that second one a save of each event in `saved`.

    `save_limit` is how long a save may take to reach its page before it counts as lost.
    """
    use_cache_in(work)
    # Found before the preview runs, in what the last build wrote: a preview need not write pages to disk.
    pages = {index: event_page(work / "docs" / pipeline.GENERATED, f"event-{index}") for index in saved}
    clear(work)
    with preview(data, work) as cold:
        waits.preview_cold = cold.started
    empty_trash(work)
    with preview(data, work) as cached:
        waits.preview_cached = cached.started
        for index in saved:
            waits.saves.append(save(cached, data, index, cached.url + pages[index], save_limit))


def event_page(generated: Path, event: str) -> str:
    """The address, from the site's root, of the page that shows `event`: its own, else its timeline month's."""
    generated = generated.resolve()
    for own in (f"events/{event}.md", f"events/{event}/index.md"):
        if (generated / own).is_file():
            return _address(own)
    anchor = f"#event-{event} }}"
    for page in sorted((generated / "timeline").glob("*.md")):
        if anchor in page.read_text(encoding="utf-8"):
            return _address(page.relative_to(generated).as_posix())
    raise BenchError(f"no page in {generated} shows {event}")


def _address(page: str) -> str:
    """Where MkDocs, with its default `use_directory_urls`, serves the Markdown page `page`."""
    parts = page.removesuffix(".md").split("/")
    if parts[-1] == "index":
        parts.pop()
    return "".join(f"{part}/" for part in parts)


class Preview:
    """A `briefings serve` in its own process group, with every line it prints, as it prints it."""

    def __init__(self, data: Path, work: Path) -> None:
        address = f"127.0.0.1:{_free_port()}"
        self.url = f"http://{address}/"
        self.lines: list[str] = []
        self.last_line = time.perf_counter()
        self.started = float("inf")
        command = [sys.executable, "-m", "builder", "serve", "--data", str(data), "--addr", address]
        self.begun = time.perf_counter()
        # Unbuffered, so each line arrives when it is printed, as on the terminal a user watches.
        self.process = subprocess.Popen(
            command,
            cwd=work,
            env={**_environment(), "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self._read, name="preview-output", daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.last_line = time.perf_counter()
            self.lines.append(line.rstrip("\n"))

    def wait_until_serving(self) -> None:
        """Wait until `/` is served as an HTML page; `started` is then the seconds since the process began."""
        while True:
            body = fetch(self.url, START_LIMIT)
            if body is not None and "<html" in body.lower():
                self.started = time.perf_counter() - self.begun
                return
            if self.process.poll() is not None:
                raise BenchError(f"the preview stopped before serving anything:\n{self.output()}")
            if time.perf_counter() - self.begun > START_LIMIT:
                raise BenchError(f"the preview served nothing in {START_LIMIT:.0f} s:\n{self.output()}")
            time.sleep(POLL)

    def settle(self, since: int, until: float) -> None:
        """Wait until a `rebuilt ` line has come since line `since` and then QUIET seconds passed with no output.

        Gives up at `until` (a `time.perf_counter()` value).
        """
        while time.perf_counter() < until:
            rebuilt = any(line.startswith(REBUILT) for line in self.lines[since:])
            if rebuilt and time.perf_counter() - self.last_line >= QUIET:
                return
            time.sleep(POLL)

    def quiet(self) -> None:
        """Wait, at most SETTLE_LIMIT seconds, until the preview has printed nothing for QUIET seconds."""
        until = time.perf_counter() + SETTLE_LIMIT
        while time.perf_counter() < until and time.perf_counter() - self.last_line < QUIET:
            time.sleep(POLL)

    def output(self) -> str:
        return "\n".join(self.lines[-40:])

    def stop(self) -> None:
        """SIGTERM, as a process manager stops it, and a wait; whatever it leaves running is killed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_LIMIT)
            except subprocess.TimeoutExpired:
                print(f"bench: the preview did not stop {STOP_LIMIT:.0f} s after SIGTERM; killed", file=sys.stderr)
        stopped = self.process.poll() is not None
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        else:
            if stopped:
                print("bench: the preview left processes running after it stopped; killed them", file=sys.stderr)
        self.process.wait()
        self.reader.join(STOP_LIMIT)
        if self.process.stdout:
            self.process.stdout.close()


@contextmanager
def preview(data: Path, work: Path) -> Iterator[Preview]:
    """A preview that serves `/`; stopped on the way out, however that comes."""
    server = Preview(data, work)
    try:
        server.wait_until_serving()
        yield server
    finally:
        server.stop()


def save(server: Preview, data: Path, index: int, page: str, limit: float) -> Save:
    """Seconds from writing event `index` with a new title until `page` shows it, and what the preview printed."""
    title = f"Saved for the bench at {time.time_ns()}"
    server.quiet()
    since = len(server.lines)
    written = time.perf_counter()
    retitle(data, index, title)
    while (body := fetch(page, limit)) is None or title not in body:
        if time.perf_counter() - written > limit:
            return Save(limit, f"{page} did not show a saved title within {limit:.0f} s")
        if server.process.poll() is not None:
            raise BenchError(f"the preview stopped after a save:\n{server.output()}")
        time.sleep(POLL)
    seconds = time.perf_counter() - written
    server.settle(since, time.perf_counter() + SETTLE_LIMIT)
    return Save(seconds, contract(server.lines[since:]))


def contract(lines: list[str]) -> str:
    """What is wrong with the lines one save made the preview print: there must be one, `rebuilt ...`."""
    rebuilt = sum(1 for line in lines if line.startswith(REBUILT))
    others = [line for line in lines if not line.startswith(REBUILT)]
    said = [f"{_lines(rebuilt)} beginning {REBUILT!r}"] if rebuilt != 1 else []
    said += [f"{_lines(len(others), 'other ')}, first {others[0].strip()[:60]!r}"] if others else []
    return ", ".join(said)


def _lines(count: int, kind: str = "") -> str:
    return f"{count} {kind}line{'s' * (count != 1)}"


def fetch(url: str, timeout: float) -> str | None:
    """The body of `url` when it is served with status 200 as HTML; None when it is not, or not yet."""
    # No proxy from the environment: the preview is on this machine.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            if response.status != 200 or response.headers.get_content_type() != "text/html":
                return None
            return str(response.read().decode("utf-8", errors="replace"))
    except (OSError, http.client.HTTPException):
        return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}

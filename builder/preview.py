"""Live preview: rebuild the generated pages when data, templates or hand-written pages change.

MkDocs' own server serves and reloads the browser; this only keeps `docs/generated` current. It
watches the store behind the generated link, because the link itself is replaced on each build.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .pipeline import GENERATED

TEMPLATES = Path(__file__).parent / "templates"
DEBOUNCE_SECONDS = 0.3


class _Rebuild(FileSystemEventHandler):
    def __init__(self, rebuild: Callable[[], int], generated: Path) -> None:
        self.rebuild = rebuild
        self.generated = generated
        self.timer: threading.Timer | None = None
        self.lock = threading.Lock()

    def on_any_event(self, event: FileSystemEvent) -> None:
        source = Path(str(event.src_path))
        # Our own output must not trigger another build.
        if event.event_type in ("opened", "closed", "closed_no_write") or self.generated in source.parents:
            return
        if source.name == GENERATED or source.name.startswith("."):
            return
        with self.lock:
            if self.timer:
                self.timer.cancel()
            # Editors save in bursts (temp file, rename, chmod): build once the burst is over.
            self.timer = threading.Timer(DEBOUNCE_SECONDS, self.rebuild)
            self.timer.start()


def serve(data: Path, docs: Path, addr: str, rebuild: Callable[[], int]) -> int:
    """Build once, then serve with MkDocs while rebuilding on changes; returns MkDocs' exit code."""
    building = threading.Lock()

    def one_at_a_time() -> int:
        # A save during a build starts another timer: the second build waits for the first.
        with building:
            return rebuild()

    one_at_a_time()
    store = docs / f".{GENERATED}"
    handler = _Rebuild(one_at_a_time, store.resolve())
    observer = Observer()
    for folder in (data, docs, TEMPLATES):
        observer.schedule(handler, str(folder), recursive=True)
    observer.start()
    # Stopped with SIGTERM (a process manager, `kill`) as with Ctrl-C: MkDocs is stopped too and
    # the caller's clean-up runs, rather than this process vanishing and leaving MkDocs serving.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    # A rebuild rewrites only the pages whose text changed and links the rest, old times and all,
    # so MkDocs' --dirty rebuilds just those. Its search index then covers only them: fine for a
    # preview, which is why published builds never use it. MkDocs warns about dirty builds, so strict
    # mode (which `make site` keeps) would refuse to serve.
    command = [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--no-strict", "--dev-addr", addr]
    command += ["--watch", str(store)]
    mkdocs = subprocess.Popen(command)
    try:
        return mkdocs.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if mkdocs.poll() is None:
            mkdocs.terminate()
            mkdocs.wait()
        signal.signal(signal.SIGTERM, previous)
        observer.stop()
        observer.join()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt

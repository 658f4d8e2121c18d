"""Live preview: on every save, the pages and then the site are rebuilt in this one process, and served.

One process keeps everything loaded between saves: the builder's memory (`reuse.Memory`), MkDocs'
configuration and theme, and the site build (`sitebuild.engine`), which renders again only the
pages whose inputs changed. The site is the one `make site` publishes, search index and all, built
into a temporary folder and served by MkDocs' live-reload server, which reloads the browser once
the rebuild is done. Each rebuild prints one line; problems in the data, and MkDocs' warnings, are
printed as they are found and do not stop the preview.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.exceptions import MkDocsException
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from . import cache, escape, stamp
from .parallel import ChildError
from .pipeline import GENERATED
from .publish import PublishError, links_in, site_address
from .sitebuild import engine

TEMPLATES = Path(__file__).parent / "templates"


class _Changed(FileSystemEventHandler):
    """Asks the server for a rebuild on any change that is not the builder's own output."""

    def __init__(self, wanted: Callable[[], None], generated: Path) -> None:
        self.wanted = wanted
        self.generated = generated

    def on_any_event(self, event: FileSystemEvent) -> None:
        source = Path(os.path.abspath(str(event.src_path)))
        # Our own output must not trigger another build; a folder is "modified" whenever a file in it is.
        if event.event_type in ("opened", "closed", "closed_no_write") or self.generated in source.parents:
            return
        if event.is_directory and event.event_type == "modified":
            return
        if source.name == GENERATED or source.name.startswith("."):
            return
        self.wanted()


class Preview:
    """The site of `config_file` kept built in `root` from the pages `rebuild_pages` writes.

    `rebuild_pages(remembering)` writes the pages and says whether the data was clean; remembering,
    it fills (then uses) the builder's memory, which lets each save redo only what changed.
    """

    def __init__(self, config_file: Path, root: Path, data: Path, rebuild_pages: Callable[[bool], bool]) -> None:
        self.config_file = config_file
        self.root = root
        self.data = data
        self.rebuild_pages = rebuild_pages
        # Held while the builder's memory is filled after start-up: a save waits for it.
        self.remembering = threading.Lock()
        self.site: engine.SiteBuild | None = None
        self.configured: str | None = None
        self.theme_folder: str | None = None
        self.url = ""
        self.built = 0

    def remember(self) -> threading.Thread:
        """Fill the builder's memory in the background; rebuilds wait until it is full."""
        self.remembering.acquire()

        def fill() -> None:
            try:
                self.rebuild_pages(True)
            finally:
                self.remembering.release()

        thread = threading.Thread(target=fill, name="remember", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        """Save what the pages gave for the next process."""
        if self.site is not None and self.built > 1:
            self.site.save()

    def build(self) -> str:
        """Rebuild the pages and the site; returns the line that says what was done.

        The first build writes the pages as `make site` does (nothing, when nothing changed since the
        last build); the builder's memory is filled afterwards, by `remember`, while the site is served.
        """
        started = time.perf_counter()
        with self.remembering:
            clean = self.rebuild_pages(self.built > 0)
        written = time.perf_counter()
        if not clean and self.built:
            return "nothing: the data has problems (above); the preview shows the last good build"
        try:
            site = self._site()
            # The first build's pages are saved for the next process; the others when the preview stops.
            outcome = site.build(keep=self.built == 0)
            site.sync(outcome, self.root)
        except (MkDocsException, PublishError, ChildError, OSError) as error:
            return f"nothing: {error}"
        finally:
            self.built += 1
        done = time.perf_counter()
        split = f"data {written - started:.2f} s, site {done - written:.2f} s"
        return f"{outcome.rendered:,} of {outcome.pages:,} pages in {done - started:.2f} s ({split})"

    def _site(self) -> engine.SiteBuild:
        """The site build, made again when the configuration or the theme's files changed."""
        from mkdocs.config import load_config

        if self.site is None or self._configuration() != self.configured:
            config = load_config(config_file=str(self.config_file))
            # The same refusal as `make site`'s: MkDocs would publish what a link in the theme points to.
            linked = links_in(config.theme.custom_dir, self.config_file.resolve().parent)
            if linked:
                raise PublishError(f"the theme folder holds links or special files ({', '.join(linked[:5])})")
            url = site_address(self.data)
            if url and not config.site_url:
                config.site_url = escape.site_address(url)
            self.url = config.site_url or ""
            self.theme_folder = config.theme.custom_dir
            self.site = engine.SiteBuild(config, cache.folder(self.config_file.resolve().parent))
            self.configured = self._configuration()
        return self.site

    def _configuration(self) -> str:
        """The configuration file and the theme's own folder, by size and time: a change loads them again."""
        paths = [str(self.config_file)]
        if self.theme_folder:
            paths += [path for _, path, _ in stamp.files_under(self.theme_folder)]
        parts = []
        for path in paths:
            try:
                status = os.stat(path)
            except OSError:
                continue
            parts.append(f"{path}:{status.st_size}:{status.st_mtime_ns}")
        return "\n".join(parts)


def serve(data: Path, docs: Path, config_file: Path, addr: str, rebuild_pages: Callable[[bool], bool]) -> int:
    """Build once, then serve on `addr` while rebuilding on every change; returns 0 when stopped."""
    from mkdocs.livereload import LiveReloadServer

    host, _, port = addr.rpartition(":")
    # Only what goes wrong is worth showing on every save: the server's own notes are not.
    for name in ("mkdocs", "mkdocs.livereload"):
        logging.getLogger(name).setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="briefings-preview-") as folder:
        preview = Preview(config_file, Path(folder), data, rebuild_pages)
        try:
            # The first build runs before any thread starts, so it may use every core.
            first = preview.build()
        except (PublishError, engine.Unsupported) as error:
            print(f"briefings: {error}", file=sys.stderr)
            return 1

        def rebuild() -> None:
            print(f"rebuilt {preview.build()}", flush=True)

        mount = urlsplit(preview.url).path or "/"
        host = host or "127.0.0.1"
        server = LiveReloadServer(builder=rebuild, host=host, port=int(port), root=folder, mount_path=mount)
        # How long the server waits for a burst of saves to end: an editor's save takes a few milliseconds.
        server.build_delay = 0.05
        server.error_handler = lambda code: _error_page(Path(folder), code)

        def wanted() -> None:
            # What MkDocs' own file watcher does on a change; the server waits for the burst to end.
            with server._rebuild_cond:
                server._want_rebuild = True
                server._rebuild_cond.notify_all()

        handler = _Changed(wanted, (docs / f".{GENERATED}").resolve())
        observer = Observer()
        theme = Path(preview.theme_folder) if preview.theme_folder else None
        # The docs folder without the builder's own output: watching that recursively would add a watch on
        # each folder the builder makes and removes, and the watcher fails on one already gone.
        hand_written = [path for path in docs.iterdir() if path.is_dir() and not path.name.startswith(".")]
        hand_written = [path for path in hand_written if path.name != GENERATED]
        watched = [data, TEMPLATES, *hand_written, *([theme] if theme else [])]
        for watched_folder in watched:
            if watched_folder.is_dir():
                observer.schedule(handler, str(watched_folder), recursive=True)
        for flat in {docs.resolve(), config_file.resolve().parent}:
            observer.schedule(handler, str(flat), recursive=False)
        observer.start()
        # Stopped with SIGTERM (a process manager, `kill`) as with Ctrl-C.
        previous = signal.signal(signal.SIGTERM, _interrupt)
        print(f"serving on {server.url} (built {first})", flush=True)
        preview.remember()
        try:
            server.serve()  # type: ignore[no-untyped-call]
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
            signal.signal(signal.SIGTERM, previous)
            observer.stop()
            observer.join()
            preview.close()
    return 0


def _error_page(root: Path, code: int) -> bytes | None:
    page = root / "404.html"
    if code == 404 and page.is_file():
        return page.read_bytes()
    return None


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt

"""PDF copies of the briefings: each briefing page of a built site, printed by headless Chromium.

A PDF is the page as a reader's browser prints it (the print stylesheet included), made with no
network: the site is served on 127.0.0.1 while it prints and every other request is refused.
Playwright drives Debian's `chromium`; no browser is ever downloaded. In the PDF, links within the
page stay links within the document, and the site's other pages are linked at the published address
(the page's canonical link), or not at all when the site has none.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

# As the browser tests launch it: headless, and asking nothing of the network.
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAPER = "A4"
TIMEOUT_MS = 30_000

# Run in the printed page before printing: the served address (127.0.0.1) must not reach the PDF.
_FOR_PAPER = """
() => {
  const canonical = document.querySelector('link[rel="canonical"]');
  let root = null;
  if (canonical) {
    const published = new URL(canonical.href);
    if (published.pathname.endsWith(location.pathname))
      root = published.origin + published.pathname.slice(0, -location.pathname.length) + "/";
  }
  for (const link of document.querySelectorAll("a[href]")) {
    if (link.origin !== location.origin) continue;
    if (link.pathname === location.pathname && link.hash) link.setAttribute("href", link.hash);
    else if (root) link.setAttribute("href", root + link.pathname.slice(1) + link.search + link.hash);
    else link.removeAttribute("href");
  }
  return document.fonts.ready.then(() => true);
}
"""


class PdfError(Exception):
    """No PDF could be printed: no browser, a page that names its PDF outside the site, or one that did not load."""


class _PdfLink(HTMLParser):
    """Finds the first `<a type="application/pdf" href=...>` of a page: the link to its own PDF."""

    def __init__(self) -> None:
        super().__init__()
        self.href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("type") == "application/pdf":
            self.href = self.href or values.get("href")


def briefing_pages(site: Path) -> dict[str, tuple[Path, str]]:
    """The briefing pages of a built site, by id: each page's file and its PDF's address relative to the page.

    A briefing page links its PDF (overrides/partials/actions.html, from the `pdf` front-matter value); others do not.
    """
    found: dict[str, tuple[Path, str]] = {}
    for page in sorted((site / "briefings").glob("*/index.html")):
        parser = _PdfLink()
        parser.feed(page.read_text(encoding="utf-8"))
        if parser.href:
            found[page.parent.name] = (page, parser.href)
    return found


def print_briefings(site: Path, out: Path | None = None) -> list[Path]:
    """Print every briefing page of the built `site` to a PDF; returns the files written.

    Each PDF goes where its page links it, or to `out/<id>.pdf` when `out` is given. Each file is
    replaced whole, never left half-written. Raises PdfError when Chromium or Playwright is missing,
    when a page links its PDF outside the site, or when a page cannot be printed.
    """
    pages = briefing_pages(site)
    if not pages:
        return []
    targets = {briefing_id: _target(site, page, href, out, briefing_id) for briefing_id, (page, href) in pages.items()}
    chromium = shutil.which("chromium")
    if chromium is None:
        raise PdfError("Debian's chromium is not installed (apt-get install chromium); no browser is ever downloaded")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise PdfError("Playwright for Python is not installed; `make pdf` installs it from the lock") from None
    written = []
    with served(site) as origin, sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=chromium, args=BROWSER_ARGS)
        except Error as error:
            raise PdfError(f"chromium did not start: {_first_line(error)}") from None
        try:
            context = browser.new_context(color_scheme="light", service_workers="block")
            context.set_default_timeout(TIMEOUT_MS)
            context.route("**/*", functools.partial(_only_from, origin))
            page = context.new_page()
            for briefing_id, (file, _) in pages.items():
                address = f"{origin}/{file.parent.relative_to(site).as_posix()}/"
                try:
                    page.goto(address, wait_until="load")
                    page.evaluate(_FOR_PAPER)
                    # Tagged, with an outline from the headings: a PDF reader can navigate it and read it aloud.
                    document = page.pdf(format=PAPER, print_background=True, tagged=True, outline=True)
                except Error as error:
                    raise PdfError(f"{file}: could not print: {_first_line(error)}") from None
                written.append(_write(targets[briefing_id], document))
        finally:
            browser.close()
    return written


def _target(site: Path, page: Path, href: str, out: Path | None, briefing_id: str) -> Path:
    if out is not None:
        return out / f"{briefing_id}.pdf"
    root = site.resolve()
    target = (page.parent / href).resolve()
    if root not in target.parents or target.suffix != ".pdf":
        raise PdfError(f"{page}: its PDF link {href!r} leads outside {site}; the PDF is written only inside the site")
    return target


def _write(target: Path, document: bytes) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    try:
        partial.write_bytes(document)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _only_from(origin: str, route: Any) -> None:
    if route.request.url.startswith(f"{origin}/"):
        route.continue_()
    else:
        route.abort()


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder without logging every request."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the browser closing a connection early is no failure; a page that did not load is one


@contextlib.contextmanager
def served(folder: Path, handler: type[http.server.SimpleHTTPRequestHandler] = QuietHandler) -> Iterator[str]:
    """Serve `folder` with `handler` on 127.0.0.1 on a free port while the block runs; yields the origin.

    The browser tests serve the sites they open with it too.
    """
    server = _Server(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

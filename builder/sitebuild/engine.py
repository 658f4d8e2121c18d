"""MkDocs' build, step for step, rendering only the pages whose inputs changed, on every core.

`mkdocs build` renders every page, one after the other, each time. This runs the same steps with
the same MkDocs functions and plugin events (configuration, files, navigation, each page's
Markdown and template, static files, theme templates, anchor checks, `post_build`), with four
differences, none of which changes a byte of the site:

- A page's output is kept (`store`) under a key made of everything its HTML depends on: its
  Markdown and metadata after the plugins' `page_markdown` events, its place and addresses, the
  shape and titles of the navigation, the configuration, the theme's own files, and the code of
  the builder and the versions of its libraries (MkDocs, Material, Python-Markdown, Jinja...). The
  links a page resolved while it rendered are kept with it and looked up again: a page whose link
  now leads elsewhere, or nowhere, is rendered again (and warns again).
- The pages to render are shared among the machine's cores (forked processes; `parallel`).
- The search plugin's per-page entries are kept with the page, and its HTML parser is a faster one
  that gives the same sections (`search`).
- Python-Markdown's inline processor skips the patterns that cannot match a run of text, and reads
  plain links with regular expressions (`inline`); its block parser skips the block processors that
  cannot take a block (`blocks`); MkDocs resolves each address once per page, and runs its raw HTML
  pass only on pages that may hold an anchor (`links`).

Only plugins whose per-page work is known to be kept this way (MkDocs' and Material's search) are
supported: a configuration with any other plugin or hook is built by MkDocs itself, as before.
The internals used here (`mkdocs.commands.build`'s helpers, `Page` fields, the search plugins'
indexes) are pinned in `PINNED` and covered by a test that compares this build with MkDocs' own,
byte for byte.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from .. import parallel, stamp
from ..reserve import Ahead, folders_of
from . import aside, blocklevel, blocks, inline, links, marker, store

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

# The versions whose internals this module was checked against (tests/test_sitebuild.py).
PINNED = {"mkdocs": "1.6.1", "mkdocs-material": "9.8.1", "markdown": "3.11.3"}
# Plugins whose only per-page work is the search index, kept with each page here.
SEARCH_PLUGINS = {"material.plugins.search.plugin.SearchPlugin", "mkdocs.contrib.search.SearchPlugin"}

log = logging.getLogger("briefings")


class Unsupported(Exception):
    """A configuration this build cannot reproduce faithfully; MkDocs builds it itself."""


@dataclass
class Outcome:
    """What a build made: every file of the site by its object digest, and how much was rendered."""

    files: dict[str, str] = field(default_factory=dict)
    pages: int = 0
    rendered: int = 0


@dataclass(frozen=True)
class _Rendered:
    """One page rendered: its output object, what to keep of it, and the warnings it logged."""

    index: int
    output: str | None
    record: dict[str, Any]
    logged: list[tuple[str, int, str]]


def unsupported_plugins(config: MkDocsConfig) -> list[str]:
    """The plugins and hooks whose per-page work this build would not keep; empty when it supports them all."""
    found = []
    for name, plugin in config.plugins.items():
        kind = f"{type(plugin).__module__}.{type(plugin).__qualname__}"
        if kind not in SEARCH_PLUGINS:
            found.append(name)
    return found


class SiteBuild:
    """The build of one MkDocs configuration, keeping its pages and files under `cache_folder`.

    `build` may be called again and again (the preview does, on every save): each call loads
    nothing it does not need to and renders only the pages whose key changed.
    """

    def __init__(self, config: MkDocsConfig, cache_folder: Path) -> None:
        if unsupported := unsupported_plugins(config):
            raise Unsupported(", ".join(unsupported))
        self.config = config.plugins.on_config(config)
        self.folder = cache_folder / "site"
        self.objects = store.Objects(self.folder / store.OBJECTS)
        self.records: dict[str, dict[str, Any]] | None = None
        self.sources: dict[str, list[Any]] = {}
        # What `sync` last placed in its folder, file by file; each page's source as last read.
        self.placed: dict[str, str] = {}
        self.read: dict[str, tuple[tuple[int, int, int], str, dict[str, Any]]] = {}
        self.read_digests: dict[str, tuple[tuple[int, int, int], str]] = {}
        self.lazy: set[str] = set()
        self.files: dict[str, str] = {}
        self.named: frozenset[str] = frozenset()
        self.checked: set[str] = set()
        # One theme environment for every build: its templates are compiled and its files listed once.
        self.env = config.theme.get_env()
        loader = self.env.loader
        if loader is not None:
            listed = loader.list_templates()
            loader.list_templates = lambda: listed  # type: ignore[method-assign]

    def build(self, keep: bool = True, ahead: Ahead | None = None) -> Outcome:
        """Run MkDocs' build steps; every file of the site is left in `objects`, named in the outcome.

        What the pages gave is saved for the next process unless `keep` is False (the preview saves
        it when it stops, not on every save). `ahead` is told how many folders `place` will need.
        """
        from mkdocs.commands.build import _build_extra_template, _build_theme_template
        from mkdocs.structure.files import InclusionLevel, get_files, set_exclusions
        from mkdocs.structure.nav import get_navigation
        from mkdocs.structure.pages import Page

        config = self.config
        records = self._records()
        self.folder.mkdir(parents=True, exist_ok=True)
        # Where MkDocs and the plugins write what they write themselves; taken into objects after each step.
        scratch = Path(tempfile.mkdtemp(prefix=".scratch-", dir=self.folder))
        config.site_dir = str(scratch)
        try:
            config.plugins.on_pre_build(config=config)
            files = get_files(config)
            files.add_files_from_theme(self.env, config)
            files = config.plugins.on_files(files, config=config)
            set_exclusions(files, config)
            if ahead is not None:
                # Made while the pages render, for `place` to lay them out in.
                ahead.expect(0, len(folders_of(file.dest_uri for file in files)))
            nav = get_navigation(files, config)
            nav = config.plugins.on_nav(nav, config=config, files=files)
            index = self._search_index()

            documents = files.documentation_pages(inclusion=InclusionLevel.is_included)
            # The navigation's pages are always read: the others' templates show them.
            navigated = {id(page) for page in _nav_pages(nav.items)}
            pages: list[Page] = []
            for file in documents:
                page = file.page if file.page is not None else Page(None, file, config)
                pages.append(self._read(page, files, lazily=id(page) not in navigated))
            common = self._common(nav, pages)
            keys = [hashlib.sha256(f"{common}{self.read_digest(page)}".encode()).hexdigest() for page in pages]
            kept: dict[int, dict[str, Any]] = {}
            # A record this process checked against the same files need not be looked up again: its links
            # resolve alike, and its objects are already where `sync` put them.
            named = frozenset(files.src_uris)
            checked = self.checked if named == self.named else set()
            for number, (page, key) in enumerate(zip(pages, keys, strict=True)):
                record = records.get(key)
                if record is not None and (key in checked or self._still_good(record, files)):
                    _restore(page, record, files)
                    kept[number] = record
            # Longest first: the cores then finish together rather than one waiting on a long page.
            missing = [number for number in range(len(pages)) if number not in kept]
            for number in missing:
                if pages[number].file.src_uri in self.lazy:
                    self._read(pages[number], files)
            missing.sort(key=lambda number: -len(pages[number].markdown or ""))
            # Every page's template shows the navigation's titles: a page there whose title comes from its
            # Markdown is rendered first.
            untitled = {id(page) for page in _nav_pages(nav.items) if "title" not in vars(page)}
            early = {
                number: _markdown_kept(pages[number], config, files)
                for number in missing
                if id(pages[number]) in untitled
            }
            env = config.plugins.on_env(self.env, config=config, files=files)
            outcome = Outcome(pages=len(pages), rendered=len(missing))

            def before_pages() -> None:
                # MkDocs writes these first, and a page with the same address overwrites them.
                self._static_files(files, outcome)
                for template in config.theme.static_templates:
                    _build_theme_template(template, env, files, config, nav)
                for template in config.extra_templates:
                    _build_extra_template(template, files, config, nav)
                self._take_written(scratch, outcome)

            def render(number: int) -> _Rendered:
                before = early.get(number, ({}, []))
                return _render(number, pages[number], config, files, documents, nav, env, index, self.objects, before)

            # The other cores start on the pages while this process writes the rest, then joins them.
            # A page costs far more than a fork: two are worth sharing.
            workers = parallel.workers_for(len(missing), fewest=2)
            with _frozen_heap():
                done_pages = parallel.split_map(render, missing, workers, meanwhile=before_pages)
            rendered = {done.index: done for done in done_pages}
            fresh: dict[str, dict[str, Any]] = {}
            searched: list[str] = []
            for number, page in enumerate(pages):
                done = rendered.get(number)
                if done is not None:
                    for name, level, message in done.logged:
                        logging.getLogger(name).log(level, "%s", message)
                    record = done.record
                    _restore(page, record, files)
                    if not any(level >= logging.WARNING for _, level, _ in done.logged):
                        fresh[keys[number]] = record
                else:
                    record = kept[number]
                    fresh[keys[number]] = record
                if record["search"]:
                    searched.append(record["search"])
                if record["output"] is not None:
                    outcome.files[page.file.dest_uri] = record["output"]
            if index is not None:
                self._fill(index, searched)

            anchors = config.validation.links.anchors
            for page in pages:
                page.validate_anchor_links(files=files, log_level=anchors)
            config.plugins.on_post_build(config=config)
            self._take_written(scratch, outcome)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        self.records = fresh
        self.files = outcome.files
        self.named, self.checked = named, set(fresh)
        if keep:
            self.save()
        return outcome

    def place(self, outcome: Outcome, folder: Path, ahead: Ahead | None = None) -> None:
        """Lay the site out in the new folder `folder`, each file a hard link to its object where possible, in
        folders made ahead (`ahead`) where there are some."""
        root = os.fspath(folder)
        os.makedirs(root, exist_ok=True)
        made = {root}
        if ahead is not None:
            ahead.expect(0, len(folders_of(outcome.files)))
        for relative, digest in sorted(outcome.files.items()):
            self.objects.place(digest, f"{root}/{relative}", made, ahead)

    def sync(self, outcome: Outcome, folder: Path) -> None:
        """Make the folder this build alone keeps (the preview's) hold the site: only what changed is replaced."""
        for relative, digest in outcome.files.items():
            if self.placed.get(relative) == digest:
                continue
            destination = folder / relative
            placing = destination.with_name(f".{destination.name}.placing")
            placing.unlink(missing_ok=True)
            self.objects.place(digest, os.fspath(placing))
            os.replace(placing, destination)
            self.placed[relative] = digest
        for relative in set(self.placed) - set(outcome.files):
            (folder / relative).unlink(missing_ok=True)
            del self.placed[relative]

    # The steps.

    def _read(self, page: Page, files: Files, lazily: bool = False) -> Page:
        """The first half of MkDocs' `_populate_page`: the page's source and the plugins' Markdown events.

        The supported plugins have no events here, so a file read before is not read again while its
        size, time and inode stay the same (the preview reads only what a save changed). `lazily`, a
        file whose digest an earlier process noted under the same size, time and inode is not read
        at all unless its page must be rendered (`lazy`; its key is made from that digest).
        """
        config = self.config
        source = page.file.abs_src_path
        identity = _identity(source) if source and page.file._content is None else None
        known = self.read.get(page.file.src_uri)
        if identity is not None and known is not None and known[0] == identity:
            page.markdown, page.meta = known[1], dict(known[2])
            return page
        noted = self.read_digests.get(page.file.src_uri)
        if lazily and identity is not None and noted is not None and noted[0] == identity:
            # Not None, as MkDocs' `title` wants; the title a page gave its last render is restored with it.
            page.markdown, page.meta = "", {}
            self.lazy.add(page.file.src_uri)
            return page
        self.lazy.discard(page.file.src_uri)
        with _populating(page, config):
            page = config.plugins.on_pre_page(page, config=config, files=files)
            page.read_source(config)
            assert page.markdown is not None
            page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
        if identity is not None:
            self.read[page.file.src_uri] = (identity, page.markdown, dict(page.meta))
        return page

    def read_digest(self, page: Page) -> str:
        """A digest of what a page's key takes from the page itself: its addresses, metadata and Markdown."""
        known = self.read_digests.get(page.file.src_uri)
        if page.file.src_uri in self.lazy and known is not None:
            return known[1]
        identity = self.read.get(page.file.src_uri, ((0, 0, 0),))[0]
        if known is not None and known[0] == identity and identity != (0, 0, 0):
            return known[1]
        digest = _page_digest(page)
        self.read_digests[page.file.src_uri] = (identity, digest)
        return digest

    def _common(self, nav: Navigation, pages: Sequence[Page]) -> str:
        """What every page's HTML depends on beyond itself: configuration, theme, navigation, code, libraries."""
        digest = hashlib.sha256(stamp.builder(stamp.Hashed()).encode())
        digest.update(configuration(self.config).encode())
        custom = self.config.theme.custom_dir
        if custom:
            for relative, path, plain in stamp.files_under(custom):
                digest.update(f"{relative}\0".encode("utf-8", "surrogateescape"))
                if plain:
                    with open(path, "rb") as stream:
                        digest.update(hashlib.file_digest(stream, "sha256").digest())
        digest.update(json.dumps(_nav_shape(nav.items), default=repr).encode())
        return digest.hexdigest()

    def _still_good(self, record: dict[str, Any], files: Files) -> bool:
        """Whether a kept page still applies: each link it resolved resolves alike, and its output is intact."""
        for path, found in record["lookups"].items():
            file = _look_up(files, path)
            if (file.src_uri if file is not None else None) != found:
                return False
        return record["output"] is None or self.objects.usable(record["output"])

    def _static_files(self, files: Files, outcome: Outcome) -> None:
        """MkDocs' `copy_static_files`, into objects: a file read before is not read again unless it changed."""
        seen: dict[str, list[Any]] = {}
        for file in files:
            if file.is_documentation_page() or not file.inclusion.is_included():  # type: ignore[no-untyped-call]
                continue
            source = file.abs_src_path if file._content is None else None
            if source is None:
                outcome.files[file.dest_uri] = self.objects.put(file.content_bytes)
                continue
            status = os.stat(source)
            identity = [status.st_size, status.st_mtime_ns, status.st_ino]
            known = self.sources.get(source)
            if known is not None and known[:3] == identity and self.objects.usable(known[3]):
                digest = known[3]
            else:
                digest = self.objects.put_file(source)
            seen[source] = [*identity, digest]
            outcome.files[file.dest_uri] = digest
        self.sources = seen

    def _take_written(self, scratch: Path, outcome: Outcome) -> None:
        """What MkDocs and the plugins wrote into the site folder themselves (theme templates, search index)."""
        for folder, _, names in os.walk(scratch):
            for name in names:
                path = Path(folder, name)
                outcome.files[path.relative_to(scratch).as_posix()] = self.objects.put_file(str(path))
                path.unlink()

    def _search_index(self) -> Any:
        """The search plugin's index, emptied for this build (None without a search plugin).

        Material's plugin gets `search.Index`: the same entries, a faster HTML parser, and the index
        written from each page's entries as kept.
        """
        from . import search

        for plugin in self.config.plugins.values():
            index = getattr(plugin, "search_index", None)
            if index is None:
                continue
            if type(index) is search.MaterialIndex:
                plugin.search_index = index = search.Index(**plugin.config)
            _entries_of(index).clear()
            return index
        return None

    def _fill(self, index: Any, pieces: list[str]) -> None:
        """Give the search index every page's entries, in page order, from their kept JSON text."""
        from . import search

        if isinstance(index, search.Index):
            index.pieces = pieces
        else:
            _entries_of(index)[:] = [entry for piece in pieces for entry in json.loads(f"[{piece}]")]

    # What is kept between runs.

    def _records(self) -> dict[str, dict[str, Any]]:
        if self.records is None:
            saved = store.read_signed(self.folder / store.PAGES) or {}
            pages = saved.get("pages", {})
            self.records = {key: record for key, record in pages.items() if _well_formed(record)}
            self.sources = saved.get("sources", {})
            try:
                self.read_digests = {
                    uri: ((*identity,), digest) for uri, (identity, digest) in saved.get("read", {}).items()
                }
                self.objects.checked = {digest: (*identity,) for digest, identity in saved.get("checked", {}).items()}
            except (TypeError, ValueError):
                self.read_digests, self.objects.checked = {}, {}
        return self.records

    def save(self) -> None:
        """Save what the last build's pages gave, and forget the objects no longer used."""
        if self.records is None:
            return
        used = set(self.files.values())
        saved = {
            "pages": self.records,
            "sources": self.sources,
            "read": {uri: [list(identity), digest] for uri, (identity, digest) in self.read_digests.items()},
            "checked": {digest: list(identity) for digest, identity in self.objects.checked.items() if digest in used},
        }
        store.write_signed(self.folder / store.PAGES, saved)
        self.objects.forget_all_but(used)


def _render(
    number: int,
    page: Page,
    config: MkDocsConfig,
    files: Files,
    documents: Sequence[File],
    nav: Navigation,
    env: jinja2.Environment,
    index: Any,
    objects: store.Objects,
    early: tuple[dict[str, str | None], list[tuple[str, int, str]]],
) -> _Rendered:
    """Page `number` rendered, Markdown then template, as MkDocs' `_populate_page` and `_build_page` do it.

    `index` is the search plugin's index, which the page's entries go through. `early` holds the
    lookups and warnings of its Markdown when that was rendered before.
    """
    from mkdocs.commands.build import get_context
    from mkdocs.exceptions import BuildError

    with _logs_kept() as logged, _lookups_kept(files) as lookups:
        lookups.update(early[0])
        logged.extend(early[1])
        if page.content is None:
            _render_markdown(page, config, files)
        config._current_page = page
        entries = _entries_of(index) if index is not None else None
        before = len(entries) if entries is not None else 0
        try:
            page.active = True
            context = get_context(nav, documents, config, page)
            template = env.get_template(page.meta.get("template", "main.html"))
            context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
            output = template.render(context)
            output = config.plugins.on_post_page(output, page=page, config=config)
        except Exception as error:
            message = f"Error building page '{page.file.src_uri}':"
            raise BuildError(f"{message} {error}") from error
        finally:
            page.active = False
            config._current_page = None
        added = entries[before:] if entries is not None else []
        if entries is not None:
            del entries[before:]
        data = output.encode("utf-8", errors="xmlcharrefreplace") if output.strip() else None
    output_digest = objects.put(data) if data is not None else None
    record: dict[str, Any] = {
        "output": output_digest,
        # As the search plugin's `generate_search_index` writes them, without the list's brackets: kept in the
        # record rather than as an object, which would be one more file to create for every page.
        "search": json.dumps(added, separators=(",", ":"), default=str)[1:-1],
        "title": page._title_from_render,
        "anchors": sorted(page.present_anchor_ids or ()),
        "links": {
            target.src_uri: links for target, links in (page.links_to_anchors or {}).items() if target is not None
        },
        "lookups": lookups,
    }
    return _Rendered(number, output_digest, record, logged)


def _markdown_kept(
    page: Page, config: MkDocsConfig, files: Files
) -> tuple[dict[str, str | None], list[tuple[str, int, str]]]:
    """`_render_markdown`, with the lookups and warnings it made kept for the page's record."""
    with _logs_kept() as logged, _lookups_kept(files) as lookups:
        _render_markdown(page, config, files)
    return lookups, logged


def _render_markdown(page: Page, config: MkDocsConfig, files: Files) -> None:
    """The second half of MkDocs' `_populate_page`: Markdown to HTML, and the plugins' content event."""
    with (
        _populating(page, config),
        inline.gated(),
        blocks.gated(),
        links.remembered(),
        blocklevel.listed(),
        marker.skipped(),
    ):
        aside.render(page, config, files)
        assert page.content is not None
        page.content = config.plugins.on_page_content(page.content, page=page, config=config, files=files)


@contextmanager
def _populating(page: Page, config: MkDocsConfig) -> Iterator[None]:
    """What MkDocs' `_populate_page` does around its work: the page is the current one, and a failure names it."""
    config._current_page = page
    try:
        yield
    except Exception as error:
        log.error(f"Error reading page '{page.file.src_uri}': {error}")
        raise
    finally:
        config._current_page = None


def _restore(page: Page, record: dict[str, Any], files: Files) -> None:
    """Give a page whose output is kept what the rest of the build reads of it: title, anchors, links."""
    page._title_from_render = record["title"]
    if page.content is None:
        # Not None, so that the title is not guessed again from the Markdown.
        page.content = ""
    page.present_anchor_ids = set(record["anchors"])
    links = {}
    for uri, anchors in record["links"].items():
        target = _look_up(files, uri)
        if target is not None:
            links[target] = anchors
    if log.getEffectiveLevel() > logging.DEBUG or logging.getLogger("mkdocs").getEffectiveLevel() > logging.DEBUG:
        page.links_to_anchors = links


_RECORD: dict[str, type | tuple[type, ...]] = {
    "output": (str, type(None)),
    "search": str,
    "title": (str, type(None)),
    "anchors": list,
    "links": dict,
}


def _well_formed(record: Any) -> bool:
    """Whether a saved record has every field a build reads, each of its type (and its lookups)."""
    if not isinstance(record, dict) or not isinstance(record.get("lookups"), dict):
        return False
    return all(isinstance(record.get(name), kind) for name, kind in _RECORD.items())


def _entries_of(index: Any) -> list[dict[str, Any]]:
    """The list a search index keeps its entries in: Material's `entries`, MkDocs' own `_entries`."""
    entries = getattr(index, "entries", None)
    return entries if isinstance(entries, list) else index._entries


_POSIX: dict[str, str] = {}


def _look_up(files: Files, path: str) -> File | None:
    """`files.get_file_from_path`, without making a path object for each of the many links kept pages name."""
    posix = _POSIX.get(path)
    if posix is None:
        posix = _POSIX[path] = PurePath(path).as_posix()
    return files.src_uris.get(posix)


def _identity(path: str) -> tuple[int, int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns, status.st_ino


def _page_digest(page: Page) -> str:
    digest = hashlib.sha256()
    file = page.file
    for part in (file.src_uri, file.dest_uri, file.url, page.canonical_url or "", page.edit_url or ""):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(json.dumps(page.meta, sort_keys=True, default=repr).encode())
    digest.update((page.markdown or "").encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _nav_pages(items: Sequence[Any]) -> Iterator[Page]:
    from mkdocs.structure.pages import Page

    for item in items:
        if isinstance(item, Page):
            yield item
        if getattr(item, "children", None):
            yield from _nav_pages(item.children)


def _nav_shape(items: Sequence[Any]) -> list[Any]:
    """The navigation as every page shows it: kinds, titles and addresses."""
    from mkdocs.structure.pages import Page

    shape: list[Any] = []
    for item in items:
        if isinstance(item, Page):
            # A title the navigation gives is all the other pages show; else it comes from the page's Markdown.
            given = "title" in vars(item)
            source = "" if given else (item.markdown or "")
            markdown = hashlib.sha256(source.encode("utf-8", "surrogateescape")).hexdigest()
            shape.append(["page", item.file.src_uri, item.url, item.title, "" if given else markdown])
        else:
            shape.append([type(item).__name__, item.title, getattr(item, "url", None)])
        if getattr(item, "children", None):
            shape.append(_nav_shape(item.children))
    return shape


def configuration(config: MkDocsConfig) -> str:
    """The configuration as text for a digest; where the site is written does not change a page."""
    values = {key: value for key, value in config.items() if key != "site_dir"}
    return json.dumps(plain(values), sort_keys=True, default=repr)


def plain(value: Any, depth: int = 0) -> Any:
    """`value` as JSON-able data for the configuration's digest; an unknown object counts by its repr."""
    if depth > 12:
        return repr(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {str(key): plain(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(item, depth + 1) for item in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if hasattr(value, "config") and isinstance(value.config, Mapping):
        # A plugin: its options, not its state.
        return {"plugin": type(value).__qualname__, "config": plain(value.config, depth + 1)}
    if hasattr(value, "dirs") and hasattr(value, "static_templates"):
        theme = {"name": value.name, "dirs": value.dirs, "static": sorted(value.static_templates)}
        return {"theme": plain(theme, depth + 1), "options": plain(dict(value), depth + 1)}
    return f"{type(value).__qualname__}:{value}"


@contextmanager
def _frozen_heap() -> Iterator[None]:
    """Keep the collector off what exists now while pages are rendered.

    Rendering makes and drops many objects, so the collector runs often; without this, each full
    collection walks everything the build holds, and in a forked process that touches (and so copies)
    every page of the parent's memory.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def _logs_kept() -> Iterator[list[tuple[str, int, str]]]:
    """Warnings and errors logged meanwhile, kept instead of shown: the parent shows them, in page order."""
    kept: list[tuple[str, int, str]] = []
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            # A record reaches both loggers when MkDocs' own propagates to the root.
            if not seen or seen[-1] is not record:
                seen.append(record)
                kept.append((record.name, record.levelno, record.getMessage()))

    loggers = [logging.getLogger(), logging.getLogger("mkdocs")]
    handlers = [logger.handlers[:] for logger in loggers]
    keep = Keep(logging.WARNING)
    for logger in loggers:
        logger.handlers = [keep]
    try:
        yield kept
    finally:
        for logger, previous in zip(loggers, handlers, strict=True):
            logger.handlers = previous


@contextmanager
def _lookups_kept(files: Files) -> Iterator[dict[str, str | None]]:
    """Every path a page's links looked up among the files, and the file each one found."""
    lookups: dict[str, str | None] = {}
    look_up = files.get_file_from_path

    def recorded(path: str) -> File | None:
        found = look_up(path)
        lookups[path] = found.src_uri if found is not None else None
        return found

    files.get_file_from_path = recorded  # type: ignore[method-assign]
    try:
        yield lookups
    finally:
        del files.get_file_from_path

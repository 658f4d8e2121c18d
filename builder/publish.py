"""Publishing: MkDocs builds the written pages into a fresh folder, which replaces the site only when it is clean.

MkDocs 1.6 stops counting warnings under `--quiet`, so `mkdocs build --strict --quiet` never fails
on one. This module runs MkDocs in-process and counts every warning logged by anyone (MkDocs, its
plugins, Python-Markdown): a build with a single warning is refused and prints it. The build goes
into a folder beside the site folder, so a failed or killed build leaves the published site whole.

The build itself is `sitebuild`'s: MkDocs' own steps, rendering only the pages whose inputs changed
(MkDocs builds it alone when a plugin other than search is configured). When nothing the site is
made from changed and the site folder is as the last build left it, nothing is written at all.

The site's address comes from the data (`url` in `site.yaml`) unless `mkdocs.yml` names one: MkDocs
needs it for the sitemap, the canonical link of every page, and the 404 page, whose links are
absolute from the address's path because it is served at any depth.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache, escape
from .discover import SITE_FILE
from .load import load_file
from .model import Site
from .parallel import ChildError
from .reserve import Ahead, ahead_in
from .validate import check_schema

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

_TEMPORARY = ".{name}.building-"
_RETIRED = ".{name}.previous-"
# Folders made ahead for the next site (`reserve`).
_AHEAD = ".{name}.ahead-"

log = logging.getLogger("briefings")


class PublishError(Exception):
    """A site build that failed or warned; the published site is unchanged."""


class _Collect(logging.Handler):
    """Keeps every record at WARNING or above, so a build can be refused and each warning shown."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # A record reaches both loggers when MkDocs' own propagates to the root.
        if not any(seen is record for seen in self.records):
            self.records.append(record)


@contextmanager
def _warnings_collected() -> Iterator[_Collect]:
    collect = _Collect()
    # MkDocs' own logger does not propagate when its command line has set it up; attach to both.
    loggers = [logging.getLogger(), logging.getLogger("mkdocs")]
    # A level above WARNING (as `--quiet` sets) would drop warnings before any handler counts them.
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(collect)
        if logger.getEffectiveLevel() > logging.WARNING:
            logger.setLevel(logging.WARNING)
    try:
        yield collect
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(collect)
            logger.setLevel(level)


def _listed(records: list[logging.LogRecord]) -> str:
    return "".join(f"\n  {record.levelname.lower()}: {record.getMessage().strip()}" for record in records)


def site_address(data: Path) -> str | None:
    """Where `data`'s `site.yaml` says the site is published, or None when it says nowhere or has problems."""
    file = data / SITE_FILE
    if not file.is_file():
        return None
    document, problems = load_file(file, file.as_posix())
    if document is None or problems:
        return None
    site, problems = check_schema("site", Site, document)
    return site.url if isinstance(site, Site) and not problems else None


@dataclass(frozen=True)
class Published:
    """A site built: where, how many pages, how many of them were rendered, and whether it was already current."""

    site: Path
    pages: int = 0
    rendered: int = 0
    unchanged: bool = False


def publish(config_file: Path, site_url: str | None = None) -> Published:
    """Build the site that `config_file` describes into its `site_dir`, refusing any warning.

    `site_url` (from `site_address`) becomes MkDocs' `site_url` unless the configuration names one.
    Raises PublishError, with every warning in its message, when MkDocs fails or warns; the site
    folder is then exactly as it was. When nothing the site is made from has changed since the last
    build and the site folder is as that build left it, nothing is written at all.
    """
    # Imported here: `briefings check` and `build` never need MkDocs loaded.
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from .sitebuild import current

    project = config_file.resolve().parent
    with _warnings_collected() as collect:
        try:
            config = load_config(config_file=str(config_file), strict=True)
        except MkDocsException as error:
            raise PublishError(f"{config_file}: {error}{_listed(collect.records)}") from None
        if site_url and not config.site_url:
            config.site_url = escape.site_address(site_url)
        site = Path(os.path.abspath(config.site_dir))
        # The site folder is replaced wholesale, so it must be one inside the project; a link
        # there is replaced itself, never followed.
        inside = site.parent.resolve()
        if site.name in ("", ".", "..") or (inside != project and project not in inside.parents):
            raise PublishError(f"{config_file}: site_dir must be a folder inside {project}, not {site}")
        linked = links_in(config.theme.custom_dir, project)
        if linked:
            shown = ", ".join(linked[:5]) + (f" and {len(linked) - 5} more" if len(linked) > 5 else "")
            raise PublishError(
                f"{config_file}: the theme folder holds links or special files ({shown}); MkDocs would publish"
                " what they point to: replace each with a plain file inside the project"
            )
        _forget_leftovers(site)
        kept = cache.folder(project)
        inputs = current.inputs(config)
        if current.unchanged(kept, inputs, site) and not collect.records:
            return Published(site, unchanged=True)
        fresh = site.with_name(f"{_TEMPORARY.format(name=site.name)}{os.getpid()}")
        # Every page of the site is a folder of its own in the new site: a helper makes them while the pages render.
        with ahead_in(site.with_name(f"{_AHEAD.format(name=site.name)}{os.getpid()}")) as ahead:
            try:
                made = _build(config, kept, fresh, ahead)
            except (MkDocsException, OSError, ChildError) as error:
                failure: str | None = (
                    str(error).strip().splitlines()[-1] if isinstance(error, ChildError) else str(error)
                )
                made = Published(site)
            except BaseException:
                shutil.rmtree(fresh, ignore_errors=True)
                raise
            else:
                failure = None
    if collect.records or failure is not None:
        shutil.rmtree(fresh, ignore_errors=True)
        count = len(collect.records)
        if count:
            listed = _listed(collect.records)
            raise PublishError(f"MkDocs reported {count} warning{'s' * (count != 1)}, and the build is strict:{listed}")
        raise PublishError(f"MkDocs failed: {failure}")
    _swap_in(fresh, site)
    current.remember(kept, inputs, site)
    return Published(site, made.pages, made.rendered)


def _build(config: MkDocsConfig, kept: Path, fresh: Path, ahead: Ahead | None = None) -> Published:
    """Build into the folder `fresh`: with `engine` when it supports the configuration, else with MkDocs itself.

    The engine lays the site out in folders `ahead` made, where it has made them.
    """
    from mkdocs.commands.build import build

    from .sitebuild.engine import SiteBuild, Unsupported

    try:
        engine = SiteBuild(config, kept)
    except Unsupported as plugins:
        log.info("the plugins %s are not known to the fast build: MkDocs builds every page", plugins)
        config.site_dir = str(fresh)
        build(config)
        return Published(fresh)
    outcome = engine.build(ahead=ahead)
    engine.place(outcome, fresh, ahead)
    return Published(fresh, outcome.pages, outcome.rendered)


def links_in(folder: str | None, project: Path) -> list[str]:
    """Links and special files in the theme's custom folder, whose files MkDocs copies into the site."""
    if not folder:
        return []
    root = Path(os.path.abspath(folder))
    if root.is_symlink() or (root.exists() and project not in root.resolve().parents):
        return [str(root)]
    found = []
    for here, folders, files in os.walk(root):
        for name in sorted(folders + files):
            path = Path(here, name)
            if path.is_symlink() or not (path.is_file() or path.is_dir()):
                found.append(path.relative_to(project).as_posix())
    return found


def _swap_in(fresh: Path, site: Path) -> None:
    """Put `fresh` where `site` is. Each step is a rename, so `site` is never half-written."""
    if not site.is_symlink() and not site.exists():
        fresh.rename(site)
        return
    retired = site.with_name(f"{_RETIRED.format(name=site.name)}{os.getpid()}")
    _remove(retired)
    site.rename(retired)
    fresh.rename(site)
    _remove(retired)


def _forget_leftovers(site: Path) -> None:
    """Tidy what an interrupted build left beside the site; only folders this module names.

    A kill between the two renames of a swap leaves no site but the previous one set aside: that is
    still the last good site, so it is put back rather than deleted.
    """
    if not site.parent.is_dir():
        return
    temporary, retired = _TEMPORARY.format(name=site.name), _RETIRED.format(name=site.name)
    ahead = _AHEAD.format(name=site.name)
    ours = sorted(
        entry
        for entry in site.parent.iterdir()
        if entry.name.startswith((temporary, retired, ahead)) and entry.name.rpartition("-")[2].isdigit()
    )
    for entry in ours:
        if entry.name.startswith(retired) and not site.exists() and not site.is_symlink() and entry.is_dir():
            entry.rename(site)
        else:
            _remove(entry)


def _remove(path: Path) -> None:
    """Delete `path`; a link is removed itself, never followed."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)

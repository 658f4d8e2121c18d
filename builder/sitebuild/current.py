"""Whether the published site is already current: nothing it is made from changed, and it is as it was left.

What a site is made from: the builder's code and its libraries, the loaded configuration (with the
site's address), every file in the docs and theme folders (by name, size, time and inode: the
builder keeps an unchanged page's file as it was), and the build date, which MkDocs writes into the
sitemap. The site folder is recognised the same way, file by file. The stamp is signed like the
rest of the cache, so a stamp from elsewhere is never trusted.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .. import stamp
from . import store
from .engine import configuration

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


def inputs(config: MkDocsConfig) -> str:
    """A digest of everything the site built from `config` is made from."""
    from mkdocs.utils import get_build_date

    digest = hashlib.sha256(store.FORMAT.encode())
    digest.update(stamp.builder(stamp.Hashed()).encode())
    digest.update(configuration(config).encode())
    digest.update(get_build_date().encode())
    for root in (config.docs_dir, config.theme.custom_dir):
        if root:
            digest.update(_tree(root).encode())
    return digest.hexdigest()


def unchanged(kept: Path, made_from: str, site: Path) -> bool:
    """Whether the last build's stamp names these inputs and this very site folder."""
    last = store.read_signed(kept / "site" / store.LAST)
    return last is not None and last.get("inputs") == made_from and last.get("site") == _tree(str(site))


def remember(kept: Path, made_from: str, site: Path) -> None:
    """Stamp the site just published with what it was made from."""
    store.write_signed(kept / "site" / store.LAST, {"inputs": made_from, "site": _tree(str(site))})


def _tree(root: str) -> str:
    """Every file under `root` by name, size, modification time and inode; links and others by name alone."""
    digest = hashlib.sha256()
    if not os.path.isdir(root):
        return "absent"
    for folder, folders, names in os.walk(root):
        folders.sort()
        for name in sorted(names):
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, root)
            status = os.lstat(path)
            seen = f"{relative}\0{status.st_mode}\0{status.st_size}\0{status.st_mtime_ns}\0{status.st_ino}\n"
            digest.update(seen.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()

"""The table of contents' marker, looked for only on pages that hold it.

Python-Markdown's `toc` extension replaces a paragraph reading just its marker (`[TOC]`) with the
table of contents. To find one it joins the text of every element below every other, on every
page: a few per cent of a page's Markdown time, on pages that nearly never hold the marker. An
element is replaced only when its own text, stripped, is the marker, so a page none of whose
elements' text contains the marker has nothing to replace, and the search is skipped.

`skipped` installs this for the pages converted inside it (tests/test_marker.py).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from markdown.extensions import toc  # type: ignore[import-untyped]

from .patch import replaced

_replace = toc.TocTreeprocessor.replace_marker


def _replace_marker(self: Any, root: Any, elem: Any) -> None:
    marker = self.marker
    if any(marker in element.text for element in root.iter() if isinstance(element.text, str)):
        _replace(self, root, elem)


def skipped() -> AbstractContextManager[None]:
    """The table of contents' marker is looked for only on pages whose text holds it."""
    return replaced((toc.TocTreeprocessor, "replace_marker", _replace_marker))

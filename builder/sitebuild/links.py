"""MkDocs' link and anchor passes over a page's Markdown, without the work whose answer is known.

- `_RelativePathTreeprocessor.path_to_url` resolves every link of a page, and a page of the
  timeline links the same glossary terms, tags and places hundreds of times. Its answer for an
  address depends only on the page and the site's files, and its only effects are a log line (when
  the link is broken or leads to an excluded page) and noting the anchor it links to, which a second
  call notes again to no effect. So an address it resolved without logging is answered from memory
  the next time on the same page; one that logged is resolved, and logs, every time.
- `_RawHTMLPreprocessor` runs an HTML parser over the whole page to collect the `id` (and `<a name>`)
  attributes of its raw HTML. A page with no text that could be such an attribute (the name, after
  one of the characters HTMLParser lets an attribute name follow, and before one that ends it) has
  none to collect: the parser is not run, unless the page holds `<![`, on which HTMLParser can
  fail (and MkDocs' build with it).

`remembered` installs both for the pages rendered inside it. `engine.PINNED` holds the MkDocs
version they were written against; tests/test_links.py compares them with MkDocs' own passes.
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from typing import Any

from mkdocs.structure import pages

from .patch import replaced

# An attribute name `id` or `name` as HTMLParser's `attrfind_tolerant` reads one: after a quote, a
# space or `/`, and ended by a space, `/`, `=`, `>` or the end. Case is folded, as HTMLParser does.
_ANCHOR_ATTRIBUTE = re.compile(r"""(?<=['"\s/])(?:id|name)(?![^\s/=>])""", re.IGNORECASE)
_MEMO = "_briefings_resolved"


class _Counting:
    """MkDocs' `pages` logger, counting the lines asked of it, so a resolution that logged is not remembered."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.logged = 0

    def log(self, *args: Any, **kwargs: Any) -> None:
        self.logged += 1
        self.real.log(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


_resolve = pages._RelativePathTreeprocessor.path_to_url
_collect = pages._RawHTMLPreprocessor.run


def _path_to_url(self: Any, url: str) -> str:
    memo: dict[str, str] = self.__dict__.setdefault(_MEMO, {})
    known = memo.get(url)
    if known is not None:
        return known
    counting: Any = pages.log
    before = counting.logged if isinstance(counting, _Counting) else None
    resolved: str = _resolve(self, url)
    if before is not None and counting.logged == before:
        memo[url] = resolved
    return resolved


def _run(self: Any, lines: list[str]) -> list[str]:
    text = "\n".join(lines)
    # `<![` is parsed even without anchors: HTMLParser fails on some of it, and MkDocs' build with it.
    if _ANCHOR_ATTRIBUTE.search(text) is None and "<![" not in text:
        self.present_anchor_ids = set()
        return lines
    result: list[str] = _collect(self, lines)
    return result


def remembered() -> AbstractContextManager[None]:
    """Pages rendered inside this resolve each address once, and skip the raw HTML pass when it has nothing to find."""
    return replaced(
        (pages, "log", _Counting(pages.log)),
        (pages._RelativePathTreeprocessor, "path_to_url", _path_to_url),
        (pages._RawHTMLPreprocessor, "run", _run),
    )

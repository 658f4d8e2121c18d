"""The one place where text from the data is made inert for where it lands.

Data arrives from pull requests: a quote may hold `<script>`, a Markdown link to `javascript:`,
an attribute list, an admonition, a footnote, a snippet include or `{{ }}` for a macro plugin.
Every character that could start any of those is written as a numeric character reference, which
Python-Markdown (and any other Markdown or HTML reader) shows as that character and never reads as
syntax. The output is plain Markdown with HTML entities, so any engine that reads `docs/` renders
it the same way.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from urllib.parse import quote, urlsplit, urlunsplit

from markupsafe import Markup

# Characters that start Markdown, HTML, attribute-list, template or extension syntax anywhere in a line.
_ANYWHERE = set("&<>\"'\\`*_{}[]()#!|~^=$:%@")
# Characters that only matter where a block starts: bullets, details, definitions; and the
# "1." or "1)" of an ordered list.
_LINE_START = set("-+?:")
_ORDERED = re.compile(r"\d+[.)]")
_WHITESPACE = re.compile(r"\s+")
# Bidirectional embeddings and overrides could make text read as something else. A character
# reference would still be obeyed, so they are replaced by a visible name. (Marks and isolates,
# which mixed-script text needs, stay.)
_OVERRIDES = re.compile("[\u202a-\u202e]")
# Control characters never reach a page (Python-Markdown even uses \x02 and \x03 as its own
# placeholders): each becomes the replacement character.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _entity(char: str) -> str:
    return f"&#{ord(char)};"


_ENTITIES = str.maketrans({char: _entity(char) for char in _ANYWHERE})


def text(value: object) -> Markup:
    """Inline text for Markdown body, headings, table cells and HTML attribute values."""
    return _text(str(value))


@lru_cache(maxsize=1 << 16)
def _text(value: str) -> Markup:
    # Names, dates and statuses recur on every page: each distinct text is made inert once.
    flat = _WHITESPACE.sub(" ", _CONTROLS.sub("\ufffd", value)).strip()
    flat = _OVERRIDES.sub(lambda m: f"[U+{ord(m.group()):04X}]", flat)
    out = flat.translate(_ENTITIES)
    if out[:1] in _LINE_START:
        out = _entity(out[0]) + out[1:]
    ordered = _ORDERED.match(out)
    if ordered:
        # Digits pass unchanged, so the "." that would make an ordered list is at the same place.
        out = out[: ordered.end() - 1] + _entity(out[ordered.end() - 1]) + out[ordered.end() :]
    return Markup(out)


def paragraphs(value: object) -> Markup:
    """Block text: paragraphs split at blank lines, each made inert like `text`."""
    blocks = [block for block in re.split(r"\n\s*\n", str(value)) if block.strip()]
    return Markup("\n\n".join(text(block) for block in blocks))


@lru_cache(maxsize=1 << 12)
def url(value: str) -> Markup:
    """An http or https address for a Markdown link target or an href attribute."""
    scheme = urlsplit(value.strip()).scheme.lower()
    if scheme not in ("http", "https"):
        raise ValueError(f"refusing a non-web address: {value!r}")
    # Percent-encode everything that could end a link target or an attribute; keep the address intact.
    safe = quote(value.strip(), safe="/:?#[]@!$&*+,;=%~-._")
    return Markup(safe.replace("&", "&amp;"))


def site_address(value: str) -> str:
    """A web address as the site's own root (MkDocs' `site_url`): a folder, no query or fragment, its path
    percent-encoded but for letters, digits and `/-._~%`, so nothing in it can end a string, an attribute
    or a tag wherever the theme writes it, nor read as a script."""
    scheme, netloc, path, _, _ = urlsplit(value.strip())
    if scheme.lower() not in ("http", "https"):
        raise ValueError(f"refusing a non-web address: {value!r}")
    path = quote(path if path.endswith("/") else f"{path}/", safe="/-._~%")
    return urlunsplit((scheme.lower(), netloc, path, "", ""))


def title(value: object) -> str:
    """A page title for front matter.

    Material prints the front-matter title unescaped in the header, the navigation and <title>, so
    it gets the same entities as body text, quoted as a JSON string (which YAML reads as text).
    """
    return json.dumps(str(text(value)), ensure_ascii=False)


_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@lru_cache(maxsize=1 << 16)
def anchor(value: str) -> Markup:
    """An anchor id from a record id; ids are already strict slugs, this refuses anything else."""
    if not _SLUG.fullmatch(value):
        raise ValueError(f"not an id: {value!r}")
    return Markup(value)


def html(value: object) -> str:
    """Plain HTML text, for formats that other programs render as HTML (TimelineJS, feeds)."""
    import html as html_module

    return html_module.escape(_CONTROLS.sub("\ufffd", str(value)), quote=True)


def json_script(value: object) -> Markup:
    """JSON to place inside a <script> element: nothing in it can close the element or start markup."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return Markup(text)


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will show, never evaluate: formulas are prefixed with a quote."""
    text = _CONTROLS.sub("\ufffd", str(value))
    return f"'{text}" if text.startswith(_FORMULA) else text

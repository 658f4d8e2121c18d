"""Strict YAML loading: every scalar stays a string, positions are kept, traps are refused.

libyaml's parser and composer do the reading; the type guessing that `yaml.load` does (and that
turns `22:30` into 1350 and `NO` into False) is skipped entirely, which is also why this is faster.
"""

from __future__ import annotations

import gc
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner

from .problems import Problem, problem

MAX_FILE_BYTES = 256 * 1024
MAX_VALUE_CHARS = 20_000
MAX_DEPTH = 12

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_DEFAULT_TAGS = {yaml.ScalarNode: _STR, yaml.SequenceNode: _SEQ, yaml.MappingNode: _MAP}


class _PurePythonParser(Reader, Scanner, Parser, Composer):
    """PyYAML's own parser and composer, for when it was built without libyaml."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)


def _text_loader(parser: type) -> type:
    """A loader on `parser` whose resolver types nothing: every scalar is a string."""

    class TextLoader(parser):  # type: ignore[misc]
        def resolve(self, kind: type, value: object, implicit: object) -> str:
            return _DEFAULT_TAGS[kind]

        def descend_resolver(self, current_node: object, current_index: object) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass

    return TextLoader


try:
    from yaml.cyaml import CParser  # type: ignore[attr-defined]

    _TextLoader = _text_loader(CParser)
except ImportError:  # same behaviour, slower
    _TextLoader = _text_loader(_PurePythonParser)


# Control characters other than tab and newline; also C1 controls, the Unicode line and paragraph
# separators (YAML counts them as line breaks, editors do not, so positions would disagree),
# bidirectional embeddings and overrides (which can make text read as something else), surrogates,
# BOMs inside text and non-characters: YAML forbids them or they arrive by accident or by malice.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\ud800-\udfff\ufeff\ufffe\uffff]")

# libyaml's composer recurses in C and crashes on very deep nesting, so nesting is bounded before
# composing. Only these shapes can introduce an anchor, alias, tag, complex key, another document
# or several nesting levels on one line; indentation alone cannot nest deeper than a few hundred
# levels within MAX_FILE_BYTES, and flow collections cannot nest deeper than their bracket count.
# Files with none of them take the fast path; the others are first read event by event, which
# catches those constructs with their positions before anything is composed.
_MAX_FAST_BRACKETS = 100
_INDICATOR = re.compile(r"(?:^|[\s,\[\]{}:\"'])[&*!?]", re.MULTILINE)
_SAME_LINE_NESTING = re.compile(r"-[ \t]+-(?:[ \t]|$)", re.MULTILINE)
_DOCUMENT_MARKER = re.compile(r"^(?:---|\.\.\.)", re.MULTILINE)


def _needs_event_scan(text: str) -> bool:
    # One alternation of these patterns costs several times their sum; cheap tests go first.
    if text.count("[") + text.count("{") > _MAX_FAST_BRACKETS:
        return True
    if any(char in text for char in "&*!?") and _INDICATOR.search(text):
        return True
    if ("---" in text or "..." in text) and _DOCUMENT_MARKER.search(text):
        return True
    return _SAME_LINE_NESTING.search(text) is not None


_GLUED_COMMENT = re.compile(r"[ \t]+(#\S+)")
_GLUED_COMMENT_ANYWHERE = re.compile(r"[ \t]#\S")
# Plain `key:`, `key: ~` and `key: null` mean "no value", as in any YAML; quoted, they are text.
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# What libyaml says, and what an analyst should do about it.
_SYNTAX_HINTS = {
    "mapping values are not allowed": "text that contains ': ' must be put in quotes",
    "cannot start any token": "text starting with @ or ` must be put in quotes",
    "could not find expected ':'": "each line needs 'key: value'; text that goes on must be indented",
    "did not find expected key": "check this line's indentation; text with quotation marks or ': ' in it must be "
    "put in quotes as a whole",
}


@dataclass
class Document:
    """One loaded file: its data as plain dicts, lists and strings, and its text for positions.

    The node tree that positions come from is composed again only when a problem needs a position,
    so a document restored from the parse cache costs no parsing at all.
    """

    path: str
    data: dict[str, Any]
    text: str = field(repr=False)
    _root: yaml.MappingNode | None = field(default=None, repr=False)

    @property
    def root(self) -> yaml.MappingNode:
        if self._root is None:
            loader = _TextLoader(self.text)
            try:
                self._root = loader.get_single_node()
            finally:
                loader.dispose()
        return self._root

    def position(self, loc: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
        """1-based (line, col) of the value at `loc`, or of its key; the nearest existing ancestor."""
        node: yaml.Node = self.root
        found = (node.start_mark.line + 1, node.start_mark.column + 1)
        for depth, part in enumerate(loc):
            last = depth == len(loc) - 1
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                match = next((kv for kv in node.value if kv[0].value == part), None)
                if match is None:
                    break
                target = match[0] if key and last else match[1]
                node = match[1]
                found = (target.start_mark.line + 1, target.start_mark.column + 1)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                found = (node.start_mark.line + 1, node.start_mark.column + 1)
            else:
                break
        return found

    def problem(self, code: str, loc: tuple[str | int, ...], *, at_key: bool = False, **params: object) -> Problem:
        """The problem `code` at the value (or, with `at_key`, the key) found at `loc`."""
        line, col = self.position(loc, key=at_key)
        return problem(code, self.path, line, col, **params)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while many small, acyclic objects are made.

    Loading a large repository keeps every record alive; each automatic collection then walks all of
    them again, which made loading and rendering several times slower. Reference counting still
    frees almost everything; the few cycles left are collected by the next automatic collection.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _decode(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    if len(raw) > MAX_FILE_BYTES:
        return None, [problem("file-too-large", path, 1, 1, size=len(raw), limit=MAX_FILE_BYTES)]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        good = raw[: error.start].decode("utf-8")
        line, col = _line_col(good, len(good))
        return None, [problem("not-utf8", path, line, col, byte=f"0x{raw[error.start]:02x}")]
    return text, []


def _scan_events(text: str, path: str) -> list[Problem]:
    """Refuse anchors, aliases, tags and deep nesting from the event stream, before composing."""
    loader = _TextLoader(text)
    depth = 0
    documents = 0
    try:
        while True:
            event = loader.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return []
            mark = event.start_mark
            where = (path, mark.line + 1, mark.column + 1) if mark else (path, 1, 1)
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    return [problem("multiple-documents", *where)]
            if isinstance(event, yaml.AliasEvent):
                return [problem("anchor-or-alias", *where, what="alias", name=f"*{event.anchor}")]
            if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
                return [problem("anchor-or-alias", *where, what="anchor", name=f"&{event.anchor}")]
            tag = getattr(event, "tag", None)
            if tag is not None and tag != "!":
                written = "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag
                return [problem("yaml-tag", *where, tag=written)]
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return [problem("too-deep", *where, limit=MAX_DEPTH)]
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as error:
        return [_syntax_problem(error, path, text)]
    finally:
        loader.dispose()


def _syntax_problem(error: yaml.YAMLError, path: str, text: str) -> Problem:
    if not isinstance(error, yaml.MarkedYAMLError):
        return problem("yaml-syntax", path, 1, 1, reason=str(error).splitlines()[0])
    mark = error.problem_mark or error.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    reason = error.problem or "unreadable YAML"
    hint = next((hint for words, hint in _SYNTAX_HINTS.items() if words in reason), "")
    lines = text.splitlines()
    if mark and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
        hint = "indent with spaces, not tabs"
    if error.context:
        start = error.context_mark
        where = f" that starts at line {start.line + 1}, column {start.column + 1}" if start and start != mark else ""
        reason = f"{reason} ({error.context}{where})"
    if hint:
        reason = f"{reason}; {hint}"
    return problem("yaml-syntax", path, line, col, reason=reason)


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return "a single value"


class _Builder:
    """Turns a composed node tree into dicts, lists and strings, collecting problems."""

    def __init__(self, path: str, lines: list[str] | None = None) -> None:
        self.path = path
        self.lines = lines
        self.problems: list[Problem] = []
        # libyaml resolves an alias to the very node it names; meeting a collection twice means an
        # alias slipped past the event scan, and expanding it could explode.
        self.seen: set[int] = set()

    def at(self, code: str, node: yaml.Node, **params: object) -> None:
        mark = node.start_mark
        self.problems.append(problem(code, self.path, mark.line + 1, mark.column + 1, **params))

    def comment_after(self, node: yaml.ScalarNode) -> None:
        """'title: Test #1 event' keeps only 'Test': YAML reads ' #1 event' as a comment."""
        assert self.lines is not None
        end = node.end_mark
        if end.line >= len(self.lines) or not node.value:
            return
        match = _GLUED_COMMENT.match(self.lines[end.line], end.column)
        if match:
            self.problems.append(
                problem(
                    "comment-in-value", self.path, end.line + 1, match.end() - 1, value=node.value, rest=match.group(1)
                )
            )

    def build(self, node: yaml.Node, depth: int) -> Any:
        if depth > MAX_DEPTH:
            self.at("too-deep", node, limit=MAX_DEPTH)
            return None
        if isinstance(node, yaml.ScalarNode):
            value: str = node.value
            if not node.style and value in _NULLS:
                return None
            if len(value) > MAX_VALUE_CHARS:
                self.at("value-too-long", node, size=len(value), limit=MAX_VALUE_CHARS)
            # Only double-quoted scalars have escapes ("\0"); the raw text was checked already.
            if node.style == '"':
                bad = _CONTROL.search(value)
                if bad:
                    self.at("control-character", node, char=f"U+{ord(bad.group()):04X}")
            if not node.style and self.lines is not None:
                self.comment_after(node)
            return value
        if id(node) in self.seen:
            self.at("anchor-or-alias", node, what="alias", name="*")
            return None
        self.seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, depth + 1) for item in node.value]
        result: dict[str, Any] = {}
        first: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.at("bad-key", key_node, found=_describe(key_node))
                continue
            key = key_node.value
            if key_node.style == '"' and _CONTROL.search(key):
                self.at("control-character", key_node, char=f"U+{ord(_CONTROL.search(key).group()):04X}")  # type: ignore[union-attr]
                continue
            if key in first:
                seen = first[key].start_mark
                self.at("duplicate-key", key_node, key=key, first_line=seen.line + 1, first_col=seen.column + 1)
                continue
            first[key] = key_node
            result[key] = self.build(value_node, depth + 1)
        return result


def load_text(text: str, path: str) -> tuple[Document | None, list[Problem]]:
    """Load one record from YAML text; return the document, or None and the problems."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")  # files saved on Windows
    bad = _CONTROL.search(text)
    if bad:
        line, col = _line_col(text, bad.start())
        return None, [problem("control-character", path, line, col, char=f"U+{ord(bad.group()):04X}")]
    if not text or text.isspace():
        return None, [problem("empty-file", path, 1, 1)]
    if _needs_event_scan(text):
        found = _scan_events(text, path)
        if found:
            return None, found
    loader = _TextLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as error:
        return None, [_syntax_problem(error, path, text)]
    finally:
        loader.dispose()
    if root is None or (isinstance(root, yaml.ScalarNode) and not root.value and not root.style):
        return None, [problem("empty-file", path, 1, 1)]
    if not isinstance(root, yaml.MappingNode):
        mark = root.start_mark
        return None, [problem("not-a-mapping", path, mark.line + 1, mark.column + 1, found=_describe(root))]
    # Only a '#' glued to the word after it looks like part of the text rather than a comment.
    builder = _Builder(path, text.splitlines() if _GLUED_COMMENT_ANYWHERE.search(text) else None)
    data = builder.build(root, 0)
    if builder.problems:
        return None, builder.problems
    return Document(path, data, text, root), []


def read_file(file: Path, path: str) -> tuple[bytes | None, list[Problem]]:
    """The bytes of one record file, or None and why it cannot be read; `path` is how problems name it."""
    try:
        status = file.lstat()
        if not stat.S_ISREG(status.st_mode):
            return None, [problem("linked-file", path, 1, 1, name=file.name)]
        if status.st_size > MAX_FILE_BYTES:
            return None, [problem("file-too-large", path, 1, 1, size=status.st_size, limit=MAX_FILE_BYTES)]
        with file.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            return None, [problem("file-too-large", path, 1, 1, size=f"over {MAX_FILE_BYTES}", limit=MAX_FILE_BYTES)]
    except OSError as error:
        return None, [problem("unreadable", path, 1, 1, name=file.name, reason=error.strerror or "unknown error")]
    return raw, []


def load_bytes(raw: bytes, path: str) -> tuple[Document | None, list[Problem]]:
    """Load one record from the bytes of its file."""
    text, problems = _decode(raw, path)
    if text is None:
        return None, problems
    return load_text(text, path)


def restore(raw: bytes, path: str, data: dict[str, Any]) -> Document:
    """The document of bytes that loaded cleanly before, from the data they gave then."""
    text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8").replace("\r\n", "\n")
    return Document(path, data, text)


def load_file(file: Path, path: str) -> tuple[Document | None, list[Problem]]:
    """Read and load one record file; `path` is how problems name it."""
    raw, problems = read_file(file, path)
    if raw is None:
        return None, problems
    return load_bytes(raw, path)

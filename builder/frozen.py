"""Published briefings are frozen: what a change to the data would alter in them, against a git revision.

The data folder as it was at the base revision is written into a temporary folder (its plain files
only, read with git, never through a shell or a link) and goes through the build's own stages:
validate, then render. Both sides are rendered by the builder as it is now, so what differs between
a briefing's two pages is what the change to the data does to it. A briefing published at the base
(not a draft) must read the same now, except for what `frozen_content` leaves out.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from . import render
from .discover import RecordFile, display_root, find_files
from .load import load_file
from .model import Briefing, Repository
from .problems import DataError, Excerpt, Problem, problem
from .render import engine
from .render.plan import BRIEFINGS_DIR
from .summary import sides
from .validate import validate

LATER_START = "<!-- later:start -->"
LATER_END = "<!-- later:end -->"
# Front-matter keys and JSON-LD members that say where the page is published and edited, or when it was
# last corrected: they change with the site's address, repository or branch, never with the briefing.
PLACE_KEYS = frozenset({"edit_source", "og_url"})
# Where the page is, and who the site is: renaming the site changes what no briefing says.
PLACE_MEMBERS = frozenset({"url", "mainEntityOfPage", "dateModified", "author", "publisher"})
# How much of a diff a problem shows, and of each line in it.
DIFF_LINES = 12
LINE_WIDTH = 160

_FILE_MODES = ("100644", "100755")


def frozen_content(markdown: str) -> str:
    """The part of a briefing page that may not change once the briefing is published.

    Exactly these parts are left out; everything else is compared character for character:

    - each region from a line `<!-- later:start -->` to the next line `<!-- later:end -->`, both lines
      included (links to the next briefing, dated correction notices), and with it one of the two
      blank lines around it when there is one on each side, so a page with a region reads as one
      without it. The markers count only as whole lines (spaces around them aside), which text from
      the data cannot make, since `<` is always escaped in it; a start with no end is kept;
    - in the front matter (from a first line `---` to the next line `---`), the lines `edit_source:`
      (the repository page that edits the record) and `og_url:` (the page's address on the site);
    - in the JSON-LD of the `jsonld:` line, the members `url` and `mainEntityOfPage` (the page's
      address again), `dateModified` (when it was last corrected), and `author` and `publisher`
      (the site, by its title).
    """
    front, text = _split(markdown)
    kept = [line for line in map(_front_matter_line, front[1:-1]) if line is not None]
    return "\n".join([*front[:1], *kept, *front[-1:], *_without_later(text)])


def _front_matter_line(line: str) -> str | None:
    key, colon, value = line.partition(":")
    if not colon:
        return line
    if key in PLACE_KEYS:
        return None
    if key == "jsonld":
        try:
            document = json.loads(json.loads(value))
        except (ValueError, TypeError):
            return line
        if isinstance(document, dict):
            kept = {name: member for name, member in document.items() if name not in PLACE_MEMBERS}
            return f"{key}: {json.dumps(kept, ensure_ascii=False, sort_keys=True, separators=(',', ':'))}"
    return line


def _without_later(lines: list[str]) -> list[str]:
    kept: list[str] = []
    index = 0
    while index < len(lines):
        if lines[index].strip() == LATER_START:
            end = next((at for at in range(index + 1, len(lines)) if lines[at].strip() == LATER_END), None)
            if end is not None:
                index = end + 1
                if kept and not kept[-1].strip() and index < len(lines) and not lines[index].strip():
                    index += 1
                continue
        kept.append(lines[index])
        index += 1
    return kept


def check(data: Path, base: str, repository: Repository, workers: int | None = None) -> list[Problem]:
    """A problem for each briefing published at git revision `base` that the valid data under `data` alters.

    `repository` is that data, validated. A briefing new since `base`, or a draft there, is free to
    change. Raises ValueError for a revision git does not know, or when `data` is not in a git
    repository; a base whose data does not validate is one problem.
    """
    top = sides.toplevel(data)
    try:
        prefix = data.resolve().relative_to(top).as_posix()
    except ValueError:
        raise ValueError(f"the data folder {data} is not inside the git repository at {top}") from None
    prefix = "" if prefix == "." else prefix
    commit = sides.resolve(base, top)
    # The folder name goes into 'edit this page' links: the same on both sides, as the build gives it.
    folder = data.as_posix() if not data.is_absolute() else data.name
    where = display_root(data)
    temporary = Path(tempfile.mkdtemp(prefix="briefings-base-"))
    try:
        materialise(commit, prefix, top, temporary)
        try:
            old = validate(temporary)
        except DataError as error:
            return [_invalid_base(error.problems, base, display_root(temporary), where)]
        old_files = _briefing_files(temporary, display_root(temporary), where)
        old_pages = _briefing_pages(old, folder, workers)
    finally:
        shutil.rmtree(temporary)
    new_pages = _briefing_pages(repository, folder, workers)
    new_files = _briefing_files(data, where, where)
    problems = []
    for briefing_id, briefing in old.briefings.items():
        if briefing.draft:
            continue
        now = repository.briefings.get(briefing_id)
        file = new_files.get(briefing_id)
        if now is None or file is None:
            gone = old_files[briefing_id].display
            problems.append(_removed(gone, 1, 1, briefing, base, "is no longer in the data"))
        elif now.draft:
            line, col = _position(file, "draft")
            problems.append(_removed(file.display, line, col, briefing, base, "is marked `draft: true`"))
        else:
            page = f"{BRIEFINGS_DIR}/{briefing_id}.md"
            diff = _diff(frozen_content(old_pages[page]), frozen_content(new_pages.get(page, "")))
            if diff:
                line, col = _position(file, "as_of")
                problems.append(_changed(file.display, line, col, briefing, base, diff))
    return sorted(problems)


def materialise(commit: str, prefix: str, top: Path, into: Path) -> int:
    """Write the plain files under `prefix` at `commit` into the empty folder `into`; returns how many.

    Links and submodules are left out, never followed or made; a path with a part that could leave
    `into` ('', '.', '..', a separator) is left out too. Raises ValueError when git fails, OSError
    when a file cannot be written.
    """
    listing = sides.git(["ls-tree", "-r", "-z", "--full-name", commit, "--", prefix or "."], top)
    files: list[tuple[list[str], str]] = []
    for entry in listing.split(b"\0"):
        meta, _, raw_path = entry.partition(b"\t")
        fields = meta.decode("ascii").split(" ")
        if len(fields) != 3 or fields[0] not in _FILE_MODES or fields[1] != "blob":
            continue
        path = os.fsdecode(raw_path)
        if prefix:
            if not path.startswith(prefix + "/"):
                continue
            path = path[len(prefix) + 1 :]
        parts = path.split("/")
        if all(_safe_part(part) for part in parts):
            files.append((parts, fields[2]))
    contents = _blobs(sorted({oid for _, oid in files}), top)
    for parts, oid in files:
        folder = into
        for part in parts[:-1]:
            folder = folder / part
            if not folder.is_dir():
                folder.mkdir()
        # O_EXCL: the file is new, so nothing that was there before (a link) is written through.
        descriptor = os.open(folder / parts[-1], os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(contents[oid])
    return len(files)


def _safe_part(part: str) -> bool:
    separators = [separator for separator in (os.sep, os.altsep) if separator]
    return part not in ("", ".", "..") and "\0" not in part and not any(s in part for s in separators)


def _blobs(oids: list[str], top: Path) -> dict[str, bytes]:
    """The contents of the blobs `oids`, read by one git process rather than one per file."""
    if not oids:
        return {}
    out = sides.git(["cat-file", "--batch"], top, stdin="".join(f"{oid}\n" for oid in oids).encode("ascii"))
    contents: dict[str, bytes] = {}
    at = 0
    for oid in oids:
        end = out.index(b"\n", at)
        header = out[at:end].decode("ascii", "replace").split(" ")
        if len(header) != 3 or header[0] != oid or header[1] != "blob":
            raise ValueError(f"git cannot read the file {oid}: {' '.join(header)}")
        size = int(header[2])
        contents[oid] = out[end + 1 : end + 1 + size]
        at = end + 1 + size + 1
    return contents


def _briefing_pages(repository: Repository, folder: str, workers: int | None) -> dict[str, str]:
    """Each published briefing's page, rendered as the build renders it."""

    def briefings_only(
        repository: Repository, jobs: list[render.Job], workers: int | None, meanwhile: Callable[[], None]
    ) -> dict[str, str]:
        # Only the briefings are compared: the other pages, and the exports `meanwhile` makes, are not needed.
        return engine.run(repository, [job for job in jobs if job.path.startswith(f"{BRIEFINGS_DIR}/")], workers)

    pages = render.render(repository, folder, workers, run=briefings_only)
    return {path: page for path, page in pages.items() if isinstance(page, str)}


def _briefing_files(root: Path, shown_as: str, display: str) -> dict[str, RecordFile]:
    """The file of each briefing under `root`, by id, named as problems name the files of `display`."""
    found, _ = find_files(root)
    return {
        file.id: file._replace(display=display + file.display.removeprefix(shown_as))
        for file in found
        if file.kind == "briefings"
    }


def _position(file: RecordFile, key: str) -> tuple[int, int]:
    doc, _ = load_file(Path(file.path), file.display)
    return doc.position((key,), key=True) if doc else (1, 1)


def _as_of(briefing: Briefing) -> str:
    day = render.format_day(briefing.as_of)
    return f"{day}, {briefing.time}" if briefing.time else day


def _changed(path: str, line: int, col: int, briefing: Briefing, base: str, diff: list[str]) -> Problem:
    return problem("published-briefing-changed", path, line, col, name=briefing.title, as_of=_as_of(briefing),
                   base=base, diff=Excerpt(diff))  # fmt: skip


def _removed(path: str, line: int, col: int, briefing: Briefing, base: str, how: str) -> Problem:
    return problem("published-briefing-removed", path, line, col, name=briefing.title, as_of=_as_of(briefing),
                   base=base, how=how)  # fmt: skip


def _invalid_base(problems: list[Problem], base: str, shown_as: str, display: str) -> Problem:
    first = problems[0]
    path = display + first.path.removeprefix(shown_as)
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    first_message = f"{path}:{first.line}:{first.col}: {first.message} [{first.code}]"
    return problem("base-does-not-validate", path, first.line, first.col, base=base, count=count, first=first_message)


def _diff(old: str, new: str) -> list[str]:
    """The lines that differ, as a unified diff without context gives them: `-` old, `+` new; at most DIFF_LINES.

    The page's text comes first, its front matter last: the front matter mostly repeats the text for
    readers' tools, and a reviewer reads what the page says.
    """
    (old_front, old_text), (new_front, new_text) = _split(old), _split(new)
    lines = _changed_lines(old_text, new_text) + _changed_lines(old_front, new_front)
    if len(lines) > DIFF_LINES:
        return [*lines[:DIFF_LINES], f"… and {len(lines) - DIFF_LINES} more lines"]
    return lines


def _split(content: str) -> tuple[list[str], list[str]]:
    """The front matter's lines (its `---` lines included) and the other lines of a page."""
    lines = content.split("\n")
    if lines and lines[0] == "---" and "---" in lines[1:]:
        end = lines.index("---", 1) + 1
        return lines[:end], lines[end:]
    return [], lines


def _changed_lines(before: list[str], after: list[str]) -> list[str]:
    lines: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        removed, added = before[i1:i2], after[j1:j2]
        # A reworded line is shown from a little before its first change, with its counterpart.
        lines += ["-" + _clip(line, added[n] if n < len(added) else None) for n, line in enumerate(removed)]
        lines += ["+" + _clip(line, removed[n] if n < len(removed) else None) for n, line in enumerate(added)]
    return lines


def _clip(line: str, other: str | None) -> str:
    """`line` cut to LINE_WIDTH around where it first differs from `other`, the line it replaces or is replaced by."""
    if len(line) <= LINE_WIDTH:
        return line
    same = 0
    if other is not None:
        pairs = enumerate(zip(line, other, strict=False))
        same = next((at for at, (mine, theirs) in pairs if mine != theirs), min(len(line), len(other)))
    start = max(0, min(same - LINE_WIDTH // 4, len(line) - LINE_WIDTH))
    shown = line[start : start + LINE_WIDTH]
    return ("…" if start else "") + shown + ("…" if start + LINE_WIDTH < len(line) else "")

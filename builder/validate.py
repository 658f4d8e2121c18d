"""Validation: find every record file, check each against the schema, then across records.

Every check runs and every problem is collected; the caller fails once, with all of them.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from . import model, parallel
from .cache import ParseCache
from .load import Document, load_bytes, paused_gc, read_file, restore
from .model import KINDS, NEEDS_CLAIMANT, SINGULAR, Loc, Repository, Strict
from .problems import TEMPLATES, DataError, Problem, did_you_mean, problem
from .reuse import Memory

SITE_FILE = "site.yaml"
MAX_PROBLEMS_PER_FILE = 50
# Each "did you mean" compares one id with every id of its kind: beyond these, a file's (and the
# repository's) unknown references are reported without one, so a mass rename cannot stall `check`.
MAX_SUGGESTIONS_PER_FILE = 5
MAX_SUGGESTIONS = 200
_EXTENSIONS = (".yaml", ".yml")


@dataclass(frozen=True)
class Loaded:
    """A record that passed the schema: its kind (folder), id, typed record and source document."""

    kind: str
    id: str
    record: Strict
    doc: Document


class RecordFile(NamedTuple):
    """A record's file: its kind (top folder), path, name in problems, and the record id it gives."""

    kind: str
    path: str
    shown: str
    id: str


def find_files(root: Path) -> tuple[list[RecordFile], list[Problem]]:
    """Every record file under `root`, sorted; strays are problems."""
    found: list[RecordFile] = []
    problems: list[Problem] = []
    shown = display_root(root)
    for entry in sorted(root.iterdir()):
        if _ignored(entry.name) or entry.name == SITE_FILE:
            continue
        where = f"{shown}/{printable(entry.name)}"
        if printable(entry.name) != entry.name:
            problems.append(problem("bad-file-name", where, 1, 1, name=printable(entry.name)))
        elif entry.is_symlink():
            # A linked folder would publish whatever it points to, from anywhere on the machine.
            code = "linked-folder" if entry.is_dir() else "linked-file"
            problems.append(problem(code, where, 1, 1, name=entry.name))
        elif not entry.is_dir():
            problems.append(problem("unexpected-file", where, 1, 1, name=entry.name))
        elif entry.name not in KINDS:
            kinds = ", ".join(f"{k}/" for k in KINDS)
            suggestion = did_you_mean(entry.name, KINDS)
            problems.append(problem("unknown-folder", where, 1, 1, name=entry.name, suggestion=suggestion, kinds=kinds))
        else:
            _walk(root, entry, shown, found, problems)
    return found, problems


def _walk(root: Path, folder: Path, shown: str, found: list[RecordFile], problems: list[Problem]) -> None:
    # Directory entries carry their type from the listing itself: no stat call per file.
    relative = folder.relative_to(root).as_posix()
    try:
        with os.scandir(folder) as listing:
            entries = sorted((e for e in listing if not _ignored(e.name)), key=lambda e: e.name)
    except OSError as error:
        problems.append(
            problem(
                "unreadable", f"{shown}/{relative}", 1, 1, name=folder.name, reason=error.strerror or "unknown error"
            )
        )
        return
    for entry in entries:
        where = f"{shown}/{relative}/{printable(entry.name)}"
        if printable(entry.name) != entry.name:
            problems.append(problem("bad-file-name", where, 1, 1, name=printable(entry.name)))
        elif entry.is_symlink():
            problems.append(problem("linked-folder" if entry.is_dir() else "linked-file", where, 1, 1, name=entry.name))
        elif entry.is_dir():
            _walk(root, Path(entry.path), shown, found, problems)
        elif entry.name.endswith(_EXTENSIONS):
            # Plain strings: this runs for every file on every build.
            found.append(RecordFile(relative.split("/", 1)[0], entry.path, where, entry.name.rsplit(".", 1)[0]))
        else:
            problems.append(problem("unexpected-file", where, 1, 1, name=entry.name))


def _ignored(name: str) -> bool:
    # A README explains a folder; a YAML file is a record whatever its name (`readme-kabul.yaml` too).
    return name.startswith(".") or (name.lower().startswith("readme") and not name.endswith(_EXTENSIONS))


def printable(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (which the OS hands over as lone surrogates) as \\xNN."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return name


def display_root(root: Path) -> str:
    """How problems name the data folder: relative to the working directory when inside it."""
    try:
        return root.resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return root.resolve().as_posix()


def _display_link(root: Path) -> str:
    # The link itself, not where it leads.
    absolute = Path(os.path.abspath(root))
    try:
        return absolute.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        return absolute.as_posix()


def today_in(zone: str, now: datetime | None = None) -> date:
    """The date in the time zone `zone` at the aware moment `now` (by default, the present)."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(zone)).date()


@dataclass(frozen=True)
class Today:
    """The site's today, which no record may be dated after, and the zone that makes it today."""

    day: date
    zone: str

    def __str__(self) -> str:
        return f"{self.day} in {self.zone}"


def validate(
    root: Path, parsed: ParseCache | None = None, memory: Memory | None = None, *, now: datetime | None = None
) -> Repository:
    """Load and check every record under `root`; raise DataError with every problem found.

    With a parse cache, files whose bytes loaded cleanly before are not parsed again; with a memory
    of earlier builds in this process, files whose bytes passed the schema before are not even read.
    Records may not be dated after today in the site's time zone at `now` (by default, the present).
    """
    if root.is_symlink():
        # Everything under a linked data folder lives elsewhere: none of it is read.
        raise DataError([problem("linked-folder", _display_link(root), 1, 1, name=root.name)])
    with paused_gc():
        return _validate(root, parsed or ParseCache(), memory, now)


def _load_all(files: list[tuple[Path, str]], parsed: ParseCache) -> list[tuple[Document | None, list[Problem], str]]:
    """Each file's document (or its problems) and the digest of the bytes it was loaded from, in order.

    Files are read, hashed and (when the parse cache lacks them) parsed on every core.
    """
    stored = parsed.stored

    def read_and_parse(file: tuple[Path, str]) -> tuple[bytes | None, str, dict[str, Any] | None, list[Problem]]:
        raw, problems = read_file(*file)
        if raw is None:
            return None, "", None, problems
        key = parsed.key(raw)
        if key in stored:
            # Looked up again where it counts, in the parent: a worker's own look-ups are lost with it.
            return raw, key, None, []
        doc, problems = load_bytes(raw, file[1])
        # Only the data goes back from a worker: the document is made again from the bytes, as from the cache.
        return raw, key, doc.data if doc else None, problems

    results: list[tuple[Document | None, list[Problem], str]] = []
    for (_, shown), (raw, key, data, problems) in zip(files, parallel.split_map(read_and_parse, files), strict=True):
        if raw is not None and data is None and not problems:
            data = parsed.get(key)
            if data is None:
                # In the cache but not usable there (damaged, say): parsed here after all.
                doc, problems = load_bytes(raw, shown)
                data = doc.data if doc else None
        if raw is None or data is None:
            results.append((None, problems, key))
            continue
        parsed.put(key, data)
        results.append((restore(raw, shown, data), problems, key))
    return results


def _validate(root: Path, parsed: ParseCache, memory: Memory | None, now: datetime | None) -> Repository:
    files, problems = find_files(root)
    loaded: list[Loaded] = []
    # Files that exist but failed to load still count as present: their own problems are reported,
    # and references to them should not add a misleading "no such id".
    present: dict[str, set[str]] = {kind: set() for kind in KINDS}
    known: dict[str, tuple[str, Loaded | None]] = {
        file.shown: memory.record(file.path, file.shown) if memory else ("", None) for file in files
    }
    unknown = [(Path(file.path), file.shown) for file in files if known[file.shown][1] is None]
    reading = time.time_ns()
    documents = dict(zip([shown for _, shown in unknown], _load_all(unknown, parsed), strict=True))
    if memory:
        for path, shown in unknown:
            if documents[shown][2]:
                memory.note(path, documents[shown][2], reading)
    for kind, _, shown, stem in files:
        present[kind].add(stem)
        digest, remembered = known[shown]
        if remembered is not None:
            parsed.put(digest, remembered.doc.data)
            loaded.append(remembered)
            continue
        doc, found, read = documents[shown]
        problems.extend(found)
        if doc is None:
            continue
        record, found = check_record(kind, stem, doc)
        problems.extend(found)
        if record is not None:
            loaded.append(Loaded(kind, stem, record, doc))
            # Only a record with no problem of its own is remembered: a remembered one is not checked again.
            if memory and read and not found:
                memory.remember(shown, read, loaded[-1])
    if memory:
        memory.keep_only({file.shown for file in files})
    site = model.Site()
    site_file = root / SITE_FILE
    if site_file.is_file():
        reading = time.time_ns()
        [(doc, found, digest)] = _load_all([(site_file, f"{display_root(root)}/{SITE_FILE}")], parsed)
        if memory and digest:
            memory.note(site_file, digest, reading)
        problems.extend(found)
        if doc is not None:
            checked, found = _check_schema("site", model.Site, doc)
            problems.extend(found)
            site = checked if isinstance(checked, model.Site) else site
    repository, found = _link(site, loaded, present, memory)
    problems.extend(found)
    today = Today(today_in(site.time_zone, now), site.time_zone)
    problems.extend(_editorial(loaded, repository, today, memory))
    if problems:
        raise DataError(problems)
    return repository


def check_record(kind: str, stem: str, doc: Document) -> tuple[Strict | None, list[Problem]]:
    """Check one loaded file against its kind's schema and the id rule."""
    problems = []
    if not model.is_slug(stem):
        problems.append(problem("invalid-id", doc.path, 1, 1, value=stem))
    elif reason := model.reserved(stem):
        problems.append(problem("reserved-id", doc.path, 1, 1, value=stem, reason=reason))
    if "id" in doc.data and kind != "figures":
        problems.append(
            doc.problem(
                "invalid-value",
                ("id",),
                at_key=True,
                reason="a record's id is its file name; remove 'id' or rename the file",
            )
        )
        return None, problems
    record, found = _check_schema(kind, KINDS[kind], doc)
    return record, problems + found


def _check_schema(kind: str, cls: type[Strict], doc: Document) -> tuple[Strict | None, list[Problem]]:
    try:
        return cls.model_validate(doc.data), []
    except ValidationError as error:
        # A file with hundreds of mistakes is one mistake repeated: report the first ones.
        details = error.errors(include_url=False)[:MAX_PROBLEMS_PER_FILE]
        found = [_schema_problem(kind, cls, doc, detail) for detail in details]
        # 'titel' is reported as unknown with "did you mean 'title'?": not also as a missing 'title'.
        suggested = {m.group(1) for p in found if p.code == "unknown-key" for m in [_MEANT.search(p.message)] if m}
        return None, [p for p in found if not (p.code == "missing-field" and _missing_key(p) in suggested)]


_MEANT = re.compile(r"did you mean '([^']+)'\?")


def _missing_key(found: Problem) -> str:
    return found.message.split("needs '", 1)[-1].split("'", 1)[0]


def _schema_problem(kind: str, cls: type[Strict], doc: Document, detail: Any) -> Problem:
    loc: Loc = tuple(detail["loc"])
    kind_of_error: str = detail["type"]
    context: dict[str, Any] = dict(detail.get("ctx") or {})
    value = detail.get("input")
    key = _key_name(loc, kind)
    if value is None and kind_of_error != "missing":
        # `key:` with nothing after it, on a field that needs a value.
        return doc.problem("empty-text", loc, key=key)
    if kind_of_error == "empty-text":
        return doc.problem("empty-text", loc, key=key)
    if isinstance(value, list | dict) and kind_of_error in _VALUE_CODES:
        return doc.problem("wrong-type", loc, key=key, expected="a single value", found=_found(value))
    if kind_of_error in TEMPLATES:
        return doc.problem(kind_of_error, loc, **{"key": key, **context})
    if kind_of_error == "missing":
        return doc.problem("missing-field", loc[:-1], key=key, where=_where(kind, loc[:-1]))
    if kind_of_error == "extra_forbidden":
        allowed = _allowed_keys(cls, loc[:-1])
        return doc.problem(
            "unknown-key", loc, at_key=True, key=key, where=_where(kind, loc[:-1]), suggestion=_key_hint(key, allowed)
        )
    if kind_of_error == "literal_error":
        choices = re.findall(r"'([^']*)'", context.get("expected", ""))
        shown = value if isinstance(value, str) else _found(value)
        return doc.problem(
            "invalid-choice", loc, value=shown, choices=", ".join(choices), suggestion=did_you_mean(str(shown), choices)
        )
    if kind_of_error in {"bool_parsing", "bool_type"}:
        return doc.problem("invalid-choice", loc, value=value, choices="true, false", suggestion="")
    expected = {
        "string_type": "text",
        "list_type": "a list ('- item' lines, or [a, b])",
        "model_type": "a mapping of keys and values",
        "dict_type": "a mapping of keys and values",
        "model_attributes_type": "a mapping of keys and values",
    }.get(kind_of_error)
    if expected:
        return doc.problem("wrong-type", loc, key=key, expected=expected, found=_found(value))
    return doc.problem("invalid-value", loc, reason=f"'{key}': {detail['msg']}")


# Codes about the form of one value: a list or mapping in their place is a different mistake.
_VALUE_CODES = {
    *("invalid-date", "invalid-time", "invalid-number", "invalid-url", "invalid-id", "invalid-language"),
    *("invalid-time-zone", "invalid-value", "literal_error", "bool_parsing", "bool_type", "string_type"),
    *("year-out-of-range", "range-too-long", "number-out-of-range", "reserved-id"),
}


def _key_name(loc: Loc, kind: str) -> str:
    if not loc:
        return kind
    if isinstance(loc[-1], int):
        parent = f" of '{loc[-2]}'" if len(loc) > 1 else ""
        return f"item {loc[-1] + 1}{parent}"
    return str(loc[-1])


def _found(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"'{value}'"


def _where(kind: str, loc: Loc) -> str:
    name = SINGULAR.get(kind, kind)
    if not loc:
        return f"this {name}"
    parts = [f"item {part + 1}" if isinstance(part, int) else f"'{part}'" for part in loc]
    return f"{' '.join(parts)} of this {name}"


def _key_hint(key: str, allowed: list[str]) -> str:
    if not allowed:
        return "; remove it"
    hint = did_you_mean(key, allowed)
    return hint or f"; allowed keys are {', '.join(allowed)}"


@cache
def _schema(cls: type[Strict]) -> dict[str, Any]:
    return model.json_schema(cls)


def _allowed_keys(cls: type[Strict], loc: Loc) -> list[str]:
    """The keys the schema allows at `loc`, found by walking the JSON Schema."""
    schema = _schema(cls)
    defs = schema.get("$defs", {})

    def objects(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
        if "$ref" in node:
            yield from objects(defs[node["$ref"].rsplit("/", 1)[-1]])
        for option in node.get("anyOf", []):
            yield from objects(option)
        if "properties" in node or "items" in node:
            yield node

    current = [schema]
    for part in loc:
        following = []
        for node in current:
            for candidate in objects(node):
                if isinstance(part, int) and "items" in candidate:
                    following.append(candidate["items"])
                elif isinstance(part, str) and part in candidate.get("properties", {}):
                    following.append(candidate["properties"][part])
        current = following
    keys: list[str] = []
    for node in current:
        for candidate in objects(node):
            keys.extend(k for k in candidate.get("properties", {}) if k not in keys)
    return keys


def _link(
    site: model.Site, loaded: list[Loaded], present: dict[str, set[str]], memory: Memory | None = None
) -> tuple[Repository, list[Problem]]:
    """Check ids and references across records and build the repository."""
    problems: list[Problem] = []
    owners: dict[str, tuple[str, Loaded, Loc]] = {}

    def claim(identifier: str, kind: str, item: Loaded, loc: Loc) -> None:
        folded = identifier.casefold()
        if folded in owners:
            other_kind, other, other_loc = owners[folded]
            other_line, here_line = other.doc.position(other_loc)[0], item.doc.position(loc)[0]
            other_desc = f"the {SINGULAR[other_kind]} at {other.doc.path}:{other_line}"
            here_desc = f"the {SINGULAR[kind]} at {item.doc.path}:{here_line}"
            problems.append(item.doc.problem("duplicate-id", loc, id=identifier, other=other_desc))
            problems.append(other.doc.problem("duplicate-id", other_loc, id=identifier, other=here_desc))
        else:
            owners[folded] = (kind, item, loc)

    by_kind: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
    figures: dict[str, tuple[str, model.Figure]] = {}
    for item in loaded:
        claim(item.id, item.kind, item, ())
        by_kind[item.kind][item.id] = item.record
        if isinstance(item.record, model.Event):
            for index, figure in enumerate(item.record.figures):
                claim(figure.id, "figures", item, ("figures", index, "id"))
                figures[figure.id] = (item.id, figure)
    known: dict[str, set[str]] = {kind: set(records) | present[kind] for kind, records in by_kind.items()}
    known["figures"] = set(figures)
    # A figure lives inside an event: while an event file fails, its figures cannot be known.
    figures_complete = present["events"] <= set(by_kind["events"])
    suggestions = _Suggestions(known)
    for item in loaded:
        suggestions.in_file = 0
        for loc, target, identifier in _references(item, memory):
            if identifier in known[target] or (target == "figures" and not figures_complete):
                continue
            elsewhere = owners.get(identifier.casefold())
            if elsewhere and elsewhere[0] != target:
                other = SINGULAR[elsewhere[0]]
                hint = f" ('{identifier}' is {'an' if other[0] in 'aeiou' else 'a'} {other})"
            else:
                home = "a figure with this id to an event" if target == "figures" else f"{target}/{identifier}.yaml"
                hint = suggestions.hint(target, identifier) or f"; fix the id or add {home}"
            problems.append(
                item.doc.problem("unknown-reference", loc, kind=SINGULAR[target], id=identifier, suggestion=hint)
            )
    repository = Repository(
        site=site,
        figures=dict(sorted(figures.items())),
        **{kind: dict(sorted(records.items())) for kind, records in by_kind.items()},
    )
    return repository, problems


class _Suggestions:
    """Suggestions for unknown references: each id is searched for once, and no more often than the limits allow."""

    def __init__(self, known: dict[str, set[str]]) -> None:
        self.known = known
        self.choices: dict[str, list[str]] = {}
        self.found: dict[tuple[str, str], str] = {}
        self.in_file = 0

    def hint(self, target: str, identifier: str) -> str:
        if (target, identifier) not in self.found:
            if self.in_file >= MAX_SUGGESTIONS_PER_FILE or len(self.found) >= MAX_SUGGESTIONS:
                return ""
            self.in_file += 1
            if target not in self.choices:
                self.choices[target] = sorted(self.known[target])
            self.found[target, identifier] = did_you_mean(identifier, self.choices[target])
        return self.found[target, identifier]


def _references(item: Loaded, memory: Memory | None) -> list[tuple[Loc, str, str]]:
    facts = memory.facts(item) if memory else None
    if facts is None:
        return list(model.references(item.kind, item.record))
    if facts.references is None:
        facts.references = list(model.references(item.kind, item.record))
    return facts.references


def _editorial(
    loaded: list[Loaded], repository: Repository, today: Today, memory: Memory | None = None
) -> Iterator[Problem]:
    """The rules that make a briefing trustworthy: sources, claimants, sane dates."""
    for item in loaded:
        if isinstance(item.record, model.Briefing):
            yield from _briefing(item.doc, item.record, repository, today)
            continue
        facts = memory.facts(item) if memory else None
        if facts and facts.clean_on == today.day:
            continue
        found = list(_record_rules(item, today))
        if facts and not found:
            facts.clean_on = today.day
        yield from found
    yield from _briefing_dates(loaded)


def _future(doc: Document, loc: Loc, what: str, when: model.FuzzyDate | date, today: Today) -> Iterator[Problem]:
    """`dated-in-future` when `when` is after today."""
    # A range may not end after today; a month or a year ("sometime in 2021") only has to have begun.
    latest = when if isinstance(when, date) else when.end if when.precision == "range" else when.start
    if latest > today.day:
        yield doc.problem("dated-in-future", loc, what=what, date=when, today=today)


def _record_rules(item: Loaded, today: Today) -> Iterator[Problem]:
    """The editorial rules an event, a quote or a source must meet on its own."""
    record, doc = item.record, item.doc
    if isinstance(record, model.Event):
        if not record.sources:
            yield doc.problem("no-source", ("sources",), what="this event")
        yield from _future(doc, ("date",), "this event", record.date, today)
        yield from _steps(doc, ("status",), record.status, today)
        for index, change in enumerate(record.control):
            yield from _steps(doc, ("control", index, "status"), change.status, today)
        for index, figure in enumerate(record.figures):
            yield from _figure(doc, ("figures", index), figure, today)
        for field in ("places", "actors", "sources", "tags"):
            yield from _repeats(doc, (field,), getattr(record, field))
    elif isinstance(record, model.Quote):
        if not record.sources:
            yield doc.problem("no-source", ("sources",), what="this quote")
        if record.date:
            yield from _future(doc, ("date",), "this quote", record.date, today)
        if record.kind == "paraphrase" and record.text[:1] in _QUOTE_MARKS and record.text[-1:] in _QUOTE_MARKS:
            yield doc.problem("paraphrase-in-quotes", ("text",))
        for field in ("sources", "events", "tags"):
            yield from _repeats(doc, (field,), getattr(record, field))
    elif isinstance(record, model.Source):
        yield from _future(doc, ("published",), "this source", record.published, today)


_QUOTE_MARKS = set("\"'“”‘’«»„")


def _steps(doc: Document, loc: Loc, steps: list[model.StatusStep], today: Today) -> Iterator[Problem]:
    previous: model.StatusStep | None = None
    for index, step in enumerate(steps):
        if step.date:
            yield from _future(doc, (*loc, index, "date"), "this status step", step.date, today)
        if step.status in NEEDS_CLAIMANT and not step.by:
            shorthand = len(loc) == 1 and isinstance(doc.data.get(str(loc[0])), str)
            fix = (
                f"write it as a list: 'status:', then '- status: {step.status}' and 'by: <actor id>' under it"
                if shorthand
                else "add 'by: <actor id>'"
            )
            yield doc.problem(
                "claim-without-claimant", (*loc, index), status=step.status, verb=NEEDS_CLAIMANT[step.status], fix=fix
            )
        if previous and previous.date and step.date and step.date.start < previous.date.start:
            yield doc.problem("status-out-of-order", (*loc, index, "date"), date=step.date, previous=previous.date)
        previous = step if step.date else previous


def _figure(doc: Document, loc: Loc, figure: model.Figure, today: Today) -> Iterator[Problem]:
    if figure.as_of:
        yield from _future(doc, (*loc, "as_of"), "this figure", figure.as_of, today)
    has_range = figure.low is not None or figure.high is not None
    if figure.value is not None and (has_range or figure.best is not None):
        yield doc.problem("figure-value", loc, found="both")
    elif figure.value is None and (figure.low is None or figure.high is None):
        yield doc.problem("figure-value", loc, found="neither" if not has_range else "only one end of the range")
    if figure.low is not None and figure.high is not None:
        if figure.low > figure.high:
            yield doc.problem(
                "reversed-range", (*loc, "low"), what="the figure's range", low=figure.low, high=figure.high
            )
        elif figure.best is not None and not figure.low <= figure.best <= figure.high:
            yield doc.problem(
                "invalid-value", (*loc, "best"), reason=f"the best estimate {figure.best} must lie between low and high"
            )


def _repeats(doc: Document, loc: Loc, values: list[str]) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            yield doc.problem("duplicate-in-list", (*loc, index), value=value)
        seen.add(value)


def _briefing_dates(loaded: list[Loaded]) -> Iterator[Problem]:
    editions: dict[tuple[object, object], Loaded] = {}
    for item in loaded:
        record = item.record
        if not isinstance(record, model.Briefing):
            continue
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}.*", item.id) and not item.id.startswith(record.as_of.isoformat()):
            reason = f"the file is named {item.id} but 'as_of' is {record.as_of}; rename the file or fix the date"
            yield item.doc.problem("briefing-date", ("as_of",), reason=reason)
        moment = (record.as_of, str(record.time) if record.time else None)
        if moment in editions:
            other = editions[moment].doc.path
            reason = f"{other} has the same as-of date and time; give each edition its own 'time'"
            yield item.doc.problem("briefing-date", ("as_of",), reason=reason)
        editions[moment] = item


def _briefing(doc: Document, briefing: model.Briefing, repository: Repository, today: Today) -> Iterator[Problem]:
    as_of = briefing.as_of
    # A draft may be written ahead of its day; only a published edition is shown as the latest.
    if not briefing.draft:
        yield from _future(doc, ("as_of",), "this briefing", as_of, today)
    if briefing.since and briefing.since > as_of:
        yield doc.problem("bad-period", ("since",), reason=f"starts on {briefing.since}, after the as-of date {as_of}")
    for index, figure_id in enumerate(briefing.key_figures):
        if figure_id in repository.figures:
            event_id, figure = repository.figures[figure_id]
            dated = figure.as_of or repository.events[event_id].date
            if dated.start > as_of:
                yield doc.problem(
                    "dated-after-briefing",
                    ("key_figures", index),
                    what=f"figure '{figure_id}'",
                    date=dated,
                    as_of=as_of,
                )
    for index, quote_id in enumerate(briefing.quotes):
        quote = repository.quotes.get(quote_id)
        if quote and quote.date and quote.date.start > as_of:
            yield doc.problem(
                "dated-after-briefing", ("quotes", index), what=f"quote '{quote_id}'", date=quote.date, as_of=as_of
            )
    for field in ("key_figures", "quotes", "places", "tags"):
        yield from _repeats(doc, (field,), getattr(briefing, field))

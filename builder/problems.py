"""Problems found in the data: one stable code per kind of mistake, one message template each."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

# Each code is stable (tools and docs refer to it); its template says what is wrong and how to fix it.
TEMPLATES: dict[str, str] = {
    # loading
    "not-utf8": "the file is not UTF-8 text (byte {byte}); save it as UTF-8",
    "control-character": "control character {char} is not allowed; delete it or retype the text",
    "file-too-large": "the file is {size} bytes, over the limit of {limit}; split the record or shorten it",
    "empty-file": "the file is empty; write the record's fields, or delete the file",
    "yaml-syntax": "YAML syntax error: {reason}; check indentation, colons and quotes around this spot",
    "anchor-or-alias": "YAML {what} '{name}' is not allowed; write the value out in full",
    "yaml-tag": "YAML tag '{tag}' is not allowed; remove it (every value is read as text and typed by the schema)",
    "duplicate-key": "key '{key}' appears twice (first at line {first_line}, column {first_col}); keep one",
    "not-a-mapping": "the file must hold one record as 'key: value' lines, not {found}",
    "too-deep": "the data nests deeper than {limit} levels; flatten it",
    "value-too-long": "the value is {size} characters, over the limit of {limit}; shorten it",
    "bad-key": "a key must be plain text, not {found}; write 'name: value'",
    "comment-in-value": (
        "'{rest}' starts a YAML comment, so the value ends at '{value}'; put the whole value in quotes"
    ),
    "multiple-documents": "the file holds more than one YAML document ('---'); keep one record per file",
    # schema
    "unknown-key": "unknown key '{key}' in {where}{suggestion}",
    "missing-field": "{where} needs '{key}'; add it",
    "wrong-type": "'{key}' must be {expected}, not {found}",
    "invalid-date": (
        "'{value}' is not a date: {reason}; write YYYY-MM-DD, YYYY-MM, a range like 2021-08-12/2021-08-13,"
        " or add ~ for approximate"
    ),
    "invalid-reported": (
        "'{value}' is not a moment{reason}; write the day, then the time or the part of the day if known:"
        " 2021-08-13, 2021-08-13 22:30 or 2021-08-13 night"
    ),
    "invalid-time": ("'{value}' is not a time of day: write HH:MM (24-hour, quoted is fine) or one of {choices}"),
    "invalid-choice": "'{value}' is not one of {choices}{suggestion}",
    "invalid-number": "'{value}' is not a number; write digits such as 3000, 3,000 or 1.5",
    "invalid-url": "'{value}' is not a web address: {reason}",
    "invalid-id": (
        "'{value}' is not a valid id: use lowercase letters, digits and single hyphens"
        " (for example kandahar-city), at most 80 characters"
    ),
    "invalid-language": "'{value}' is not a language code: use a BCP 47 tag such as en, ps, fa-AF or ar",
    "invalid-time-zone": "'{value}' is not a time zone: use an IANA name such as Asia/Kabul or UTC",
    "year-out-of-range": "'{value}' is in the year {year}; dates must lie between {low} and {high}: check the year",
    "range-too-long": (
        "'{value}' spans {days} days, more than the {limit} a date may span;"
        " narrow it to what the sources say, or record the start and the end as separate events"
    ),
    "number-out-of-range": "'{value}' {reason}",
    "reserved-id": "'{value}' cannot be an id: {reason}; choose another",
    "invalid-value": "{reason}",
    "empty-text": "'{key}' is empty; write {what}",
    # repository
    "unknown-folder": "'{name}' is not a kind of record: records live in {kinds}{suggestion}",
    "unexpected-file": "only .yaml or .yml files belong here; move or delete '{name}'",
    "linked-file": "'{name}' is a link or a special file; records must be plain files inside the data folder",
    "linked-folder": (
        "'{name}' is a link to another folder; records must be in plain folders inside the data folder: move them here"
    ),
    "bad-file-name": "the name '{name}' is not UTF-8 text; rename it with letters, digits and hyphens",
    "unreadable": "cannot read '{name}': {reason}; check the file's permissions",
    "duplicate-id": (
        "id '{id}' is already used by {other}; ids must be unique across the repository (case ignored):"
        " rename one of them"
    ),
    "unknown-reference": "no {kind} has the id '{id}'{suggestion}",
    # editorial
    "no-source": "{what} cites no source; add its source ids under 'sources'",
    "claim-without-claimant": "a '{status}' status must say who {verb} it; {fix}",
    "dated-in-future": "{what} is dated {date}, after today ({today}); check the year",
    "retraction-without-source": (
        "a retraction must cite where the claim was withdrawn: add the ids of its sources under 'sources' in this step"
    ),
    "correction-without-source": (
        "a correction must cite where the error was set right: add the ids of its sources under 'sources' in {what}"
    ),
    "reported-before-source": (
        "{what} is reported {reported}, before its earliest source could have been published ('{source}',"
        " published {published}); cite a source published by then, or correct 'reported'"
    ),
    "reported-before-date": (
        "{what} is reported {reported}, before the time it is about ({about}): nothing is known before it"
        " happens; correct 'reported', or {field}"
    ),
    "own-source-needed": (
        "{what} cites no source of its own, so it counts as known when {whole} became known, and adding it"
        " later would change the briefings published since: add the ids of its sources under 'sources'{alternative}"
    ),
    "source-time-needed": (
        "this source gives no time, so it counts as published at the start of {day}, and {count} briefings are"
        " published as of that day ({briefings}): each would know it, the earliest too; give the time it was"
        " published under 'time' (and its 'time_zone' if it is not {zone})"
    ),
    "correction-without-revises": (
        "this figure says 'correction:' but revises no figure, so the correction would be logged nowhere:"
        " add 'revises: <id of the figure it corrects>', or remove 'correction' if it is new information"
    ),
    "correction-of-first-step": (
        "the first step of a status history has no step before it to correct: remove 'correction', and to"
        " correct a status add a later step with the right status, its 'correction:' and its own 'sources'"
    ),
    "claim-without-text": (
        "a characterisation must say what is claimed; add 'text:', e.g. 'the target was a military depot'"
    ),
    "responsibility-without-claimant": (
        "a claim of responsibility must name who claims it; add 'claimant: <actor id>'"
    ),
    "empty-revision": (
        "a revision must change the title or the summary; add 'title:' or 'summary:' with the new wording,"
        " or remove the revision"
    ),
    "control-from-contradicts": (
        "'from' says '{actor}', but '{holder}' holds '{place}' on record then (event '{event}'); write"
        " '{holder}' under 'from', or correct the control record of event '{event}' if it is wrong"
    ),
    "figure-revises-itself": (
        "this figure's revisions go round in a circle ({chain}); a figure revises an earlier one:"
        " remove 'revises' from the first figure of the chain, or point it at the figure this one replaces"
    ),
    "revises-later-figure": (
        "this figure revises '{id}', which became known on {other}, after this one ({this}); a figure revises"
        " an earlier one: swap 'revises' between the two, or correct the 'reported' moment that is wrong"
    ),
    "status-out-of-order": (
        "status steps must go oldest first; this step ({date}) is older than the one before ({previous})"
    ),
    "reversed-range": "{what}: {low} comes after {high}; put the smaller first",
    "bad-period": "the period {reason}",
    "dated-after-briefing": (
        "{what} became known on {known}, after this briefing's as-of {as_of}; remove it from the briefing,"
        " or, if it was known earlier, give the record's 'reported' moment, with a source published by then"
    ),
    "unattributed-figure": (
        "a figure must say who gives it; add 'by: <actor id>', the actor the source attributes the number to"
    ),
    "revision-changes-unit": (
        "this figure revises '{id}', whose unit is {other}, but its own unit is {unit}; a revision may reword"
        " the label but keeps the unit: change 'unit', or remove 'revises' if it counts something else"
    ),
    "control-to-itself": (
        "control passes from '{actor}' to itself; write who held the place before under 'from',"
        " or 'how: held' if '{actor}' kept it"
    ),
    "figure-value": "a figure needs either 'value' or a range ('low', 'high', optionally 'best'), not {found}",
    "duplicate-in-list": "'{value}' is listed twice; keep one",
    "paraphrase-in-quotes": (
        "a paraphrase is never shown as a quotation; remove the quotation marks or use kind: direct"
    ),
    "briefing-date": "{reason}",
    # published briefings, against a git revision (`briefings check --base`)
    "published-briefing-changed": (
        "the published briefing '{name}' (as of {as_of}) would read differently from its page at {base}:{diff}\n"
        "  a published briefing must not change; record later news with a later `reported` moment, or a correction"
        " (a `correction:` text with its own sources) so the briefing shows a dated notice"
    ),
    "published-briefing-removed": (
        "the published briefing '{name}' (as of {as_of}) {how}; a published briefing must stay published:"
        " restore it as it was at {base}, and record later news with a later `reported` moment, or a correction"
        " (a `correction:` text with its own sources)"
    ),
    "base-does-not-validate": (
        "the data at {base} does not validate with this version of the builder ({count}; the first: {first}),"
        " so its published briefings cannot be compared with this data: compare with a revision whose data"
        " validates, or make the data there valid first"
    ),
    # hand-written files under docs/
    "bad-doc-name": (
        "'{name}' cannot be published under that name: use letters, digits, '.', '_' and '-', starting with"
        " a letter or a digit (my-notes.md, not 'My notes.md'); rename it"
    ),
    "linked-doc": (
        "'{name}' is a link or a special file; pages and assets under docs/ must be plain files in plain folders:"
        " put a copy of the file there"
    ),
}


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in one file, at a 1-based line and column."""

    path: str
    line: int
    col: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message} [{self.code}]"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "message": self.message,
        }


_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufeff]")
_SHOWN_MAX = 120
_FROM_DATA = {"value", "key", "name", "id", "tag", "actor"}


def shown(value: object, limit: int = _SHOWN_MAX) -> str:
    """A value as a message may echo it: on one line, invisible characters made visible, bounded.

    Messages reach terminals, CI logs (where a line starting with '::' is a workflow command) and
    job summaries, so nothing from the data may start a line or hide in them.
    """
    text = _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Excerpt(tuple[str, ...]):
    """Lines quoted in a message, such as a diff: each is shown on a line of its own, indented."""


def problem(code: str, path: str, line: int, col: int, **params: object) -> Problem:
    """Build the problem `code` at a position, filling its message template."""
    # Values from the data are cut short; the sentences this program writes are not.
    safe = {key: _safe(key, value) for key, value in params.items()}
    return Problem(shown(path, 10 * _SHOWN_MAX), line, col, code, TEMPLATES[code].format(**safe))


def _safe(key: str, value: object) -> object:
    if isinstance(value, Excerpt):
        # Indented, a quoted line can never start a line of the output (a workflow command starts with '::').
        return "".join(f"\n    {shown(line, 2 * _SHOWN_MAX)}" for line in value)
    if isinstance(value, str):
        return shown(value, _SHOWN_MAX if key in _FROM_DATA else 10 * _SHOWN_MAX)
    return value


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """'; did you mean 'x'?' for the closest choice, or '' when none is close."""
    import difflib

    close = difflib.get_close_matches(word.casefold(), [c.casefold() for c in choices], n=1, cutoff=0.6)
    if not close:
        return ""
    original = next(c for c in choices if c.casefold() == close[0])
    return f"; did you mean '{original}'?"


def format_text(problems: list[Problem]) -> str:
    lines = [str(p) for p in problems]
    noun = "problem" if len(problems) == 1 else "problems"
    lines.append(f"{len(problems)} {noun} found")
    return "\n".join(lines)


def _github_escape(text: str, *, prop: bool) -> str:
    # The workflow-command escaping GitHub documents for messages and properties.
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(problems: list[Problem]) -> str:
    lines = []
    for p in problems:
        props = (
            f"file={_github_escape(p.path, prop=True)},line={p.line},col={p.col},"
            f"title={_github_escape(p.code, prop=True)}"
        )
        lines.append(f"::error {props}::{_github_escape(p.message, prop=False)}")
    lines.append(format_text(problems))
    return "\n".join(lines)


def format_json(problems: list[Problem]) -> str:
    return json.dumps({"problems": [p.as_dict() for p in problems], "count": len(problems)}, indent=2)


def job_summary(problems: list[Problem], title: str = "Briefings check") -> str:
    """A Markdown table of every problem, for GitHub's job summary (annotations show only ten)."""
    from .escape import text

    if not problems:
        return f"### {text(title)}\n\nNo problems found.\n"
    # A message on several lines (a diff) keeps its lines within its cell.
    rows = [
        f"| {text(p.path)}:{p.line}:{p.col} | {text(p.code)} | {'<br>'.join(map(text, p.message.splitlines()))} |"
        for p in problems
    ]
    head = f"### {text(title)}\n\n{len(problems)} problem(s) found.\n\n| where | code | problem |\n|---|---|---|\n"
    return head + "\n".join(rows) + "\n"


class DataError(Exception):
    """Raised by a stage when the data has problems; carries every one of them, sorted."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} problem(s) in the data")

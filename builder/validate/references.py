"""Across records: every id claimed once, every reference to a record that exists, with a "did you mean"."""

from __future__ import annotations

from typing import Any

from .. import model
from ..load import Document
from ..model import KINDS, SINGULAR, Loc, Repository
from ..problems import Problem, did_you_mean, problem
from .loaded import Failed, Loaded, Remembered

# Each "did you mean" compares one id with every id of its kind: beyond these, a file's (and the
# repository's) unknown references are reported without one, so a mass rename cannot stall `check`.
MAX_SUGGESTIONS_PER_FILE = 5
MAX_SUGGESTIONS = 200


def link(
    site: model.Site, loaded: list[Loaded], failed: list[Failed], memory: Remembered | None = None
) -> tuple[Repository, list[Problem]]:
    """Check ids and references across records and build the repository.

    The records in `loaded` are checked; the files in `failed` only claim their ids, so that a
    reference to one is not reported as unknown and a record sharing its id is still reported.
    """
    problems: list[Problem] = []
    owners: dict[str, tuple[str, Document | str, Loc]] = {}

    def claim(identifier: str, kind: str, where: Document | str, loc: Loc) -> None:
        folded = identifier.casefold()
        if folded in owners:
            other_kind, other, other_loc = owners[folded]
            other_path, other_line, other_col = _position(other, other_loc)
            path, line, col = _position(where, loc)
            other_desc = f"the {SINGULAR[other_kind]} at {other_path}:{other_line}"
            here_desc = f"the {SINGULAR[kind]} at {path}:{line}"
            problems.append(problem("duplicate-id", path, line, col, id=identifier, other=other_desc))
            problems.append(problem("duplicate-id", other_path, other_line, other_col, id=identifier, other=here_desc))
        else:
            owners[folded] = (kind, where, loc)

    by_kind: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
    figures: dict[str, tuple[str, model.Figure]] = {}
    for item in loaded:
        claim(item.id, item.kind, item.doc, ())
        by_kind[item.kind][item.id] = item.record
        if isinstance(item.record, model.Event):
            for index, figure in enumerate(item.record.figures):
                claim(figure.id, "figures", item.doc, ("figures", index, "id"))
                figures[figure.id] = (item.id, figure)
    known: dict[str, set[str]] = {kind: set(records) for kind, records in by_kind.items()}
    known["figures"] = set(figures)
    # A figure lives inside an event: while an event file fails so badly that its figures cannot be
    # told, no reference to a figure can be called unknown.
    figures_complete = True
    for file in failed:
        claim(file.id, file.kind, file.path, ())
        known[file.kind].add(file.id)
        if file.kind == "events":
            written = _figure_ids(file.data)
            known["figures"].update(written or ())
            figures_complete = figures_complete and written is not None
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


def _position(where: Document | str, loc: Loc) -> tuple[str, int, int]:
    """Path, line and column of `loc` in a document, or the start of a file that did not validate."""
    if isinstance(where, str):
        return where, 1, 1
    line, col = where.position(loc)
    return where.path, line, col


def _figure_ids(data: dict[str, Any] | None) -> set[str] | None:
    """The ids of the figures in an event file that did not validate, or None when they cannot be told."""
    if data is None:
        return None
    figures = data.get("figures") or []
    if not isinstance(figures, list):
        return None
    ids = [figure.get("id") if isinstance(figure, dict) else None for figure in figures]
    return {i.strip() for i in ids if isinstance(i, str)} if all(isinstance(i, str) for i in ids) else None


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


def _references(item: Loaded, memory: Remembered | None) -> list[tuple[Loc, str, str]]:
    facts = memory.facts(item) if memory else None
    if facts is None:
        return list(model.references(item.kind, item.record))
    if facts.references is None:
        facts.references = list(model.references(item.kind, item.record))
    return facts.references

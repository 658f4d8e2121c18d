"""One invalid fixture per problem code: the code, and where it is reported."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from builder.load import MAX_FILE_BYTES, MAX_VALUE_CHARS
from builder.problems import TEMPLATES

from .conftest import problems_in

EVENT = "events/kandahar-falls.yaml"
GOOD_EVENT = "title: Taliban take Kandahar\ndate: 2021-08-13\nsources: [report]\n"

# code -> (files to write over the base repository, file reported, line, column, words in the message)
CASES: dict[str, tuple[dict[str, str | bytes | None], str, int, int, str]] = {
    "not-utf8": ({EVENT: b"title: caf\xe9\ndate: 2021-08-13\n"}, EVENT, 1, 11, "0xe9"),
    "control-character": ({EVENT: GOOD_EVENT + "summary: a\x07b\n"}, EVENT, 4, 11, "U+0007"),
    "file-too-large": ({EVENT: GOOD_EVENT + "summary: " + "a" * MAX_FILE_BYTES + "\n"}, EVENT, 1, 1, "split"),
    "empty-file": ({EVENT: "  \n\n"}, EVENT, 1, 1, "empty"),
    "yaml-syntax": ({EVENT: GOOD_EVENT + "places: [kandahar\nactors: [taliban]\n"}, EVENT, 5, 7, "syntax"),
    "anchor-or-alias": ({EVENT: "title: &t Kandahar\ndate: 2021-08-13\nsummary: *t\n"}, EVENT, 1, 8, "&t"),
    "yaml-tag": ({EVENT: GOOD_EVENT + "summary: !!binary aGVsbG8=\n"}, EVENT, 4, 10, "!!binary"),
    "duplicate-key": ({EVENT: GOOD_EVENT + "title: again\n"}, EVENT, 4, 1, "line 1, column 1"),
    "not-a-mapping": ({EVENT: "- title: Kandahar\n"}, EVENT, 1, 1, "not a list"),
    "too-deep": ({EVENT: GOOD_EVENT + "summary: " + "[" * 20 + "]" * 20 + "\n"}, EVENT, 4, 22, "12 levels"),
    "value-too-long": ({EVENT: GOOD_EVENT + "summary: " + "a" * (MAX_VALUE_CHARS + 1) + "\n"}, EVENT, 4, 10, "shorten"),
    "bad-key": ({EVENT: GOOD_EVENT + "? [a, b]\n: c\n"}, EVENT, 4, 3, "plain text"),
    "multiple-documents": ({EVENT: GOOD_EVENT + "---\ntitle: second\n"}, EVENT, 4, 1, "one record per file"),
    "unknown-key": ({EVENT: GOOD_EVENT + "sumary: Kandahar falls\n"}, EVENT, 4, 1, "did you mean 'summary'?"),
    "missing-field": ({EVENT: "date: 2021-08-13\nsources: [report]\n"}, EVENT, 1, 1, "needs 'title'"),
    "wrong-type": ({EVENT: GOOD_EVENT + "places: kandahar\n"}, EVENT, 4, 9, "must be a list"),
    "invalid-date": ({EVENT: "title: Kandahar\ndate: 2021-02-30\nsources: [report]\n"}, EVENT, 2, 7, "2021-02-30"),
    "invalid-time": ({EVENT: GOOD_EVENT + "time: '25:00'\n"}, EVENT, 4, 7, "HH:MM"),
    "invalid-choice": ({EVENT: GOOD_EVENT + "kind: captre\n"}, EVENT, 4, 7, "did you mean 'capture'?"),
    "invalid-number": (
        {EVENT: GOOD_EVENT + "figures:\n  - id: many\n    label: troops\n    value: lots\n"},
        EVENT,
        7,
        12,
        "lots",
    ),
    "invalid-url": (
        {
            "sources/report.yaml": "title: t\npublisher: p\nkind: photo\npublished: 2021-08-13\n"
            "url: javascript:alert(1)\n"
        },
        "sources/report.yaml",
        5,
        6,
        "only http and https",
    ),
    "invalid-id": ({"events/Kandahar_Falls.yaml": GOOD_EVENT}, "events/Kandahar_Falls.yaml", 1, 1, "lowercase"),
    "invalid-language": (
        {"quotes/official.yaml": "speaker: government\ntext: t\nsources: [report]\nlanguage: English\n"},
        "quotes/official.yaml",
        4,
        11,
        "BCP 47",
    ),
    "invalid-time-zone": ({"site.yaml": "time_zone: Asia/Kandahar\n"}, "site.yaml", 1, 12, "Asia/Kabul"),
    "invalid-value": (
        {"places/kandahar.yaml": "name: Kandahar\nkind: city\ncountry: Afghanistan\n"},
        "places/kandahar.yaml",
        3,
        10,
        "two capital letters",
    ),
    "empty-text": ({EVENT: "title: ''\ndate: 2021-08-13\nsources: [report]\n"}, EVENT, 1, 8, "'title' is empty"),
    "unknown-folder": ({"evnts/x.yaml": GOOD_EVENT}, "evnts", 1, 1, "did you mean 'events'?"),
    "unexpected-file": ({"events/notes.txt": "notes"}, "events/notes.txt", 1, 1, "notes.txt"),
    "duplicate-id": ({"events/kandahar.yaml": GOOD_EVENT}, "events/kandahar.yaml", 1, 1, "the place in"),
    "unknown-reference": ({EVENT: GOOD_EVENT + "places: [kandahr]\n"}, EVENT, 4, 10, "did you mean 'kandahar'?"),
    "no-source": ({EVENT: "title: Kandahar\ndate: 2021-08-13\n"}, EVENT, 1, 1, "cites no source"),
    "claim-without-claimant": ({EVENT: GOOD_EVENT + "status: claimed\n"}, EVENT, 4, 9, "by: <actor id>"),
    "status-out-of-order": (
        {
            EVENT: GOOD_EVENT + "status:\n  - status: reported\n    date: 2021-08-13\n"
            "  - status: confirmed\n    date: 2021-08-12\n"
        },
        EVENT,
        8,
        11,
        "oldest first",
    ),
    "reversed-range": (
        {EVENT: GOOD_EVENT + "figures:\n  - id: days\n    label: days\n    low: 90\n    high: 30\n"},
        EVENT,
        7,
        10,
        "90 comes after 30",
    ),
    "bad-period": (
        {"briefings/2021-08-13.yaml": "title: B\nas_of: 2021-08-13\nsince: 2021-08-14\n"},
        "briefings/2021-08-13.yaml",
        3,
        8,
        "after the as-of date",
    ),
    "dated-after-briefing": (
        {"briefings/2021-08-12.yaml": "title: B\nas_of: 2021-08-12\nkey_figures:\n  - troops\n"},
        "briefings/2021-08-12.yaml",
        4,
        5,
        "after this briefing's as-of date 2021-08-12",
    ),
    "figure-value": (
        {EVENT: GOOD_EVENT + "figures:\n  - id: troops\n    label: troops\n    low: 5\n"},
        EVENT,
        5,
        5,
        "only one end of the range",
    ),
    "duplicate-in-list": (
        {EVENT: GOOD_EVENT + "actors: [taliban, taliban]\n"},
        EVENT,
        4,
        19,
        "'taliban' is listed twice",
    ),
}


def test_every_code_has_a_fixture() -> None:
    assert set(CASES) == set(TEMPLATES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_problem_is_reported_where_it_is(code: str, repo: Callable[..., Path]) -> None:
    files, path, line, col, words = CASES[code]
    data = repo(files)
    found = problems_in(data)
    matching = [p for p in found if p.code == code and p.path.endswith(path)]
    assert matching, f"expected [{code}], got {[str(p) for p in found]}"
    first = matching[0]
    assert (first.line, first.col) == (line, col), str(first)
    assert words in first.message
    assert str(first).endswith(f"[{code}]")


def test_base_repository_is_clean(repo: Callable[..., Path]) -> None:
    assert problems_in(repo()) == []


def test_every_problem_is_collected_not_just_the_first(repo: Callable[..., Path]) -> None:
    data = repo(
        {
            EVENT: "titel: Kandahar\ndate: 2021-13-01\nsources: [nowhere]\n",
            "quotes/official.yaml": "speaker: nobody\ntext: t\n",
            "places/bad.yaml": "name: x\nkind: x: y\n",
        }
    )
    found = {(p.path.rsplit("/", 1)[-1], p.code) for p in problems_in(data)}
    assert found == {
        ("kandahar-falls.yaml", "unknown-key"),
        ("kandahar-falls.yaml", "missing-field"),
        ("kandahar-falls.yaml", "invalid-date"),
        ("official.yaml", "unknown-reference"),
        ("official.yaml", "no-source"),
        ("bad.yaml", "yaml-syntax"),
    }


def test_reference_to_a_record_of_another_kind_says_what_it_is(repo: Callable[..., Path]) -> None:
    data = repo({EVENT: GOOD_EVENT + "places: [taliban]\n"})
    (found,) = [p for p in problems_in(data) if p.path.endswith(EVENT)]
    assert "no place has the id 'taliban' ('taliban' is an actor)" in found.message


def test_ids_are_unique_ignoring_case_across_kinds(repo: Callable[..., Path]) -> None:
    data = repo({EVENT: GOOD_EVENT + "figures:\n  - id: report\n    label: l\n    value: 1\n"})
    found = [p for p in problems_in(data) if p.code == "duplicate-id"]
    assert sorted((p.path.rsplit("/", 1)[-1], p.line, p.col) for p in found) == [
        ("kandahar-falls.yaml", 5, 9),
        ("report.yaml", 1, 1),
    ]


def test_references_to_a_file_that_failed_are_not_reported_as_missing(repo: Callable[..., Path]) -> None:
    data = repo({"quotes/official.yaml": "speaker: government\ntext: t\nsources: [report]\nmedum: x\n"})
    assert [(p.path.rsplit("/", 1)[-1], p.code) for p in problems_in(data)] == [("official.yaml", "unknown-key")]

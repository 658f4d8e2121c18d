"""One invalid fixture per problem code: the code, and where it is reported."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from builder.load import MAX_FILE_BYTES, MAX_VALUE_CHARS
from builder.problems import TEMPLATES, DataError, Problem
from builder.validate import MAX_SUGGESTIONS, MAX_SUGGESTIONS_PER_FILE, today_in, validate

from .conftest import Link, problems_in, write_tree

EVENT = "events/kandahar-falls.yaml"
GOOD_EVENT = "title: Taliban take Kandahar\ndate: 2021-08-13\nsources: [report]\n"
RETRACTED = "status:\n  - status: claimed\n    by: taliban\n  - status: retracted\n    date: 2021-08-13\n"

# code -> (files to write over the base repository, file reported, line, column, words in the message)
CASES: dict[str, tuple[dict[str, str | bytes | Link | None], str, int, int, str]] = {
    "linked-file": ({"actors/zero.yaml": Link("/dev/zero")}, "actors/zero.yaml", 1, 1, "a link or a special file"),
    "linked-folder": ({"places/more": Link("/")}, "places/more", 1, 1, "a link to another folder"),
    "year-out-of-range": (
        {EVENT: "title: t\ndate: 0001/9999\nsources: [report]\n"},
        EVENT,
        2,
        7,
        "year 0001; dates must lie between 1800 and 2200",
    ),
    "range-too-long": (
        {EVENT: "title: t\ndate: 2016-01-01/2021-08-13\nsources: [report]\n"},
        EVENT,
        2,
        7,
        "spans 2052 days, more than the 1830",
    ),
    "number-out-of-range": (
        {EVENT: GOOD_EVENT + "figures:\n  - id: many\n    label: troops\n    value: 1" + "0" * 39 + "\n"},
        EVENT,
        7,
        12,
        "under 1,000 trillion",
    ),
    "reserved-id": ({"places/index.yaml": "name: Index\nkind: city\n"}, "places/index.yaml", 1, 1, "own page"),
    "comment-in-value": (
        {EVENT: "title: Test #1 event\ndate: 2021-08-13\nsources: [report]\n"},
        EVENT,
        1,
        13,
        "'#1' starts a YAML comment",
    ),
    "dated-in-future": ({EVENT: "title: t\ndate: 2121-08-13\nsources: [report]\n"}, EVENT, 2, 7, "check the year"),
    "paraphrase-in-quotes": (
        {
            "quotes/official.yaml": "speaker: government\ntext: '“We hold the city”'\nkind: paraphrase\n"
            "sources: [report]\n"
        },
        "quotes/official.yaml",
        2,
        7,
        "never shown as a quotation",
    ),
    "briefing-date": (
        {"briefings/2021-08-13.yaml": "title: B\nas_of: 2021-08-12\n"},
        "briefings/2021-08-13.yaml",
        2,
        8,
        "named 2021-08-13 but 'as_of' is 2021-08-12",
    ),
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
    "duplicate-id": ({"events/kandahar.yaml": GOOD_EVENT}, "events/kandahar.yaml", 1, 1, "the place at"),
    "unknown-reference": ({EVENT: GOOD_EVENT + "places: [kandahr]\n"}, EVENT, 4, 10, "did you mean 'kandahar'?"),
    "no-source": ({EVENT: "title: Kandahar\ndate: 2021-08-13\n"}, EVENT, 1, 1, "cites no source"),
    "claim-without-claimant": ({EVENT: GOOD_EVENT + "status: claimed\n"}, EVENT, 4, 9, "by: <actor id>"),
    "retraction-without-source": (
        {EVENT: GOOD_EVENT + RETRACTED},
        EVENT,
        7,
        5,
        "where the claim was withdrawn",
    ),
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
    "unattributed-figure": (
        {EVENT: GOOD_EVENT + "figures:\n  - id: troops\n    label: troops\n    value: 3000\n"},
        EVENT,
        5,
        5,
        "add 'by: <actor id>'",
    ),
    "revision-changes-unit": (
        {
            EVENT: GOOD_EVENT + "figures:\n"
            "  - id: troops\n    label: troops\n    value: 3000\n    unit: troops\n    by: government\n"
            "  - id: days\n    label: days\n    value: 30\n    unit: days\n    by: government\n    revises: troops\n"
        },
        EVENT,
        15,
        14,
        "revises 'troops', whose unit is 'troops', but its own unit is 'days'",
    ),
    "control-to-itself": (
        {EVENT: GOOD_EVENT + "control:\n  - place: kandahar\n    from: taliban\n    to: taliban\n"},
        EVENT,
        6,
        11,
        "from 'taliban' to itself",
    ),
}


def test_every_code_has_a_fixture() -> None:
    # These have tests of their own below: they need more than files written over the base. The codes of
    # `check --base` compare the data with a git revision: tests/test_frozen.py has a fixture for each.
    own_tests = {"unreadable", "bad-file-name", "linked-doc", "bad-doc-name"}
    against_base = {"published-briefing-changed", "published-briefing-removed", "base-does-not-validate"}
    # The rules about when things became known have their fixtures beside their tests.
    from .test_rules_knowledge import CASES as KNOWLEDGE_CASES

    assert set(CASES) | set(KNOWLEDGE_CASES) | own_tests | against_base == set(TEMPLATES)


def test_a_link_among_the_hand_written_files_is_a_problem_at_its_path(tmp_path: Path) -> None:
    from builder.handwritten import read as handwritten

    docs = write_tree(tmp_path / "docs", {"index.md": "# Home\n", "x.txt": Link("/etc/passwd")})
    with pytest.raises(DataError) as raised:
        handwritten(docs)
    (found,) = raised.value.problems
    assert (found.code, found.line, found.col) == ("linked-doc", 1, 1) and found.path.endswith("docs/x.txt")


@pytest.mark.parametrize("name", ["My notes.md", "notes(1).md", "-draft.md", "café.md"])
def test_a_hand_written_name_the_site_cannot_publish_is_a_problem_at_its_path(tmp_path: Path, name: str) -> None:
    from builder.handwritten import read as handwritten

    docs = write_tree(tmp_path / "docs", {"index.md": "# Home\n", f"notes/{name}": "# Notes\n"})
    with pytest.raises(DataError) as raised:
        handwritten(docs)
    (found,) = raised.value.problems
    assert (found.code, found.line, found.col) == ("bad-doc-name", 1, 1)
    assert found.path.endswith(f"docs/notes/{name}") and "rename it" in found.message


def test_unreadable_file_is_a_problem_not_a_traceback(
    repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = repo()
    original = Path.open

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "taliban.yaml":
            raise PermissionError(13, "Permission denied")
        return original(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", refuse)
    (found,) = problems_in(data)
    assert (found.code, found.line, found.col) == ("unreadable", 1, 1)
    assert "Permission denied" in found.message and found.path.endswith("actors/taliban.yaml")


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
        ("kandahar-falls.yaml", "invalid-date"),
        ("official.yaml", "unknown-reference"),
        ("official.yaml", "no-source"),
        ("bad.yaml", "yaml-syntax"),
        # The event as written has no figure 'troops' any more: the briefing's reference to it is
        # reported now, not once the event is fixed.
        ("2021-08-13.yaml", "unknown-reference"),
    }


def test_one_check_reports_schema_reference_and_editorial_problems_of_different_files(
    repo: Callable[..., Path],
) -> None:
    data = repo(
        {
            "events/later.yaml": GOOD_EVENT + "sumary: s\n",
            "briefings/2021-08-13.yaml": "title: B\nas_of: 2021-08-13\nsince: 2021-08-14\nkey_figures: [troopz]\n",
        }
    )
    found = [(p.path.rsplit("/", 1)[-1], p.line, p.col, p.code) for p in problems_in(data)]
    assert found == [
        ("2021-08-13.yaml", 3, 8, "bad-period"),
        ("2021-08-13.yaml", 4, 15, "unknown-reference"),
        ("later.yaml", 4, 1, "unknown-key"),
    ]


def test_a_file_that_fails_still_claims_its_id_and_its_figures(repo: Callable[..., Path]) -> None:
    # The event fails, but its figure 'troops' is written in it: the briefing's reference is not unknown.
    failing = "title: t\ndate: 2021-08-13\nsources: [report]\nsumary: s\nfigures:\n  - id: troops\n"
    found = [(p.path.split("briefings/", 1)[-1], p.code) for p in problems_in(repo({EVENT: failing}))]
    assert found == [(EVENT, "unknown-key"), (EVENT, "missing-field")]
    # Nor is a record sharing its id left unreported until it is fixed.
    found = [(p.path.split("briefings/", 1)[-1], p.code) for p in problems_in(repo({"events/kandahar.yaml": failing}))]
    assert sorted(found) == [
        ("events/kandahar.yaml", "duplicate-id"),
        ("events/kandahar.yaml", "missing-field"),
        ("events/kandahar.yaml", "unknown-key"),
        ("places/kandahar.yaml", "duplicate-id"),
    ]


def test_figures_of_an_event_that_does_not_load_are_never_called_unknown(repo: Callable[..., Path]) -> None:
    for broken in (GOOD_EVENT + "places: [kandahar\n", GOOD_EVENT + "figures:\n  id: troops\n"):
        found = [p.code for p in problems_in(repo({EVENT: broken}))]
        assert found and "unknown-reference" not in found, found


def test_a_record_with_an_id_key_is_checked_all_the_same(repo: Callable[..., Path]) -> None:
    data = repo({"events/later.yaml": "id: later\n" + GOOD_EVENT + "sumary: s\nplaces: [kandahr]\n"})
    found = [(p.line, p.col, p.code) for p in problems_in(data)]
    assert found == [(1, 1, "invalid-value"), (5, 1, "unknown-key")]
    data = repo({"events/later.yaml": "id: later\n" + GOOD_EVENT + "places: [kandahr]\n"})
    found = [(p.line, p.col, p.code) for p in problems_in(data)]
    assert found == [(1, 1, "invalid-value"), (5, 10, "unknown-reference")]


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


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ('{"title":&t x,"date":2021-08-13,"sources":[report],"summary":*t}', "anchor-or-alias", "&t"),
        ('{"title":!!binary eA==,"date":2021-08-13,"sources":[report]}', "yaml-tag", "!!binary"),
        (GOOD_EVENT + "date: [2021-08-13]\n", "duplicate-key", "'date'"),
        (
            "title: t\nsources: [report]\ndate: [2021-08-13]\n",
            "wrong-type",
            "'date' must be a date, not a list",
        ),
        (
            "title: t\nsources: [report]\ndate: \u0662\u0660\u0662\u0661-\u0660\u0668-\u0661\u0663\n",
            "invalid-date",
            "not a date",
        ),
        (GOOD_EVENT + "time_zone: localtime\n", "invalid-time-zone", "IANA"),
        (GOOD_EVENT + "time_zone: Asia\n", "invalid-time-zone", "IANA"),
        (GOOD_EVENT + "time_zone: " + "a" * 300 + "\n", "invalid-time-zone", "…"),
        (GOOD_EVENT + "status: [confirmed]\n", "wrong-type", "'item 1 of 'status'' must be"),
        (GOOD_EVENT + "figures:\n  - id: f\n    label: l\n    value: [3]\n", "wrong-type", "not a list"),
        ("title: Taliban: we won\ndate: 2021-08-13\nsources: [report]\n", "yaml-syntax", "must be put in quotes"),
        (
            "title: t\ndate: 2021-08-13\nsources: [report]\nsummary: |\n  x\n  ::error file=README.md::Injected\n"
            'kind: "a\\n::error::b"\n',
            "invalid-choice",
            "a\\u000a::error::b",
        ),
        ('title: ok\ndate: 2021-08-13\nsources: [report]\n"k\\e[31m": x\n', "control-character", "U+001B"),
        ("title: t\u202egnp.exe\ndate: 2021-08-13\nsources: [report]\n", "control-character", "U+202E"),
        ("title:\ndate: 2021-08-13\nsources: [report]\n", "empty-text", "'title' is empty; write its value"),
        (GOOD_EVENT + "kind:\n", "empty-text", "'kind' is empty; write one of armed-clash, capture, handover,"),
        (GOOD_EVENT + "kind: ' '\n", "empty-text", "'kind' is empty; write one of armed-clash, capture, handover,"),
        (
            GOOD_EVENT + "control:\n  - place: kandahar\n    to: taliban\n    how:\n",
            "empty-text",
            "'how' is empty; write one of captured, handed-over, surrendered, withdrawn, retaken, held",
        ),
    ],
)
def test_hostile_and_careless_input_gets_a_clear_problem(
    repo: Callable[..., Path], text: str, code: str, words: str
) -> None:
    found = [p for p in problems_in(repo({EVENT: text})) if p.path.endswith(EVENT)]
    assert [p.code for p in found] == [code], [str(p) for p in found]
    assert words in found[0].message
    assert "\n" not in str(found[0])


def test_web_addresses_with_markup_or_bad_ports_are_refused(repo: Callable[..., Path]) -> None:
    for url in (
        'https://a.com/"><script>alert(1)</script>',
        "https://a.com/\u202egnp.exe",
        "https://..:99999",
        "https://a.com:0",
    ):
        source = f"title: t\npublisher: p\nkind: photo\npublished: 2021-08-13\nurl: '{url}'\n"
        found = [p for p in problems_in(repo({"sources/report.yaml": source})) if p.path.endswith("report.yaml")]
        assert [p.code for p in found] in (["invalid-url"], ["control-character"]), (url, [str(p) for p in found])


def test_two_editions_at_the_same_moment_are_refused(repo: Callable[..., Path]) -> None:
    data = repo({"briefings/evening-extra.yaml": "title: Extra\nas_of: 2021-08-13\n"})
    found = [p for p in problems_in(data) if p.code == "briefing-date"]
    assert len(found) == 1 and found[0].path.endswith("evening-extra.yaml")
    assert found[0].message.endswith(
        "briefings/2021-08-13.yaml has the same as-of moment, 2021-08-13, the whole day;"
        " give each edition its own 'time'"
    )


@pytest.mark.parametrize(
    ("kabul", "same"),
    [
        ("08:00", False),  # 08:00 in UTC and 08:00 in Kabul are four and a half hours apart
        ("12:30", True),  # 08:00 in UTC is 12:30 in Kabul
    ],
)
def test_editions_are_the_same_when_their_moments_are(repo: Callable[..., Path], kabul: str, same: bool) -> None:
    files = {
        "site.yaml": "time_zone: Asia/Kabul\n",
        "briefings/2021-08-13.yaml": "title: B\nas_of: 2021-08-13\ntime: '08:00'\ntime_zone: UTC\n",
        "briefings/2021-08-13-kabul.yaml": f"title: K\nas_of: 2021-08-13\ntime: '{kabul}'\n",
        # Published the day before: known to both editions, whatever their time.
        "sources/report.yaml": "title: t\npublisher: p\nkind: photo\npublished: 2021-08-12\n",
    }
    found = problems_in(repo(files))
    if not same:
        assert found == [], [str(p) for p in found]
        return
    assert [(p.code, p.path.rsplit("/", 1)[-1], p.line, p.col) for p in found] == [
        ("briefing-date", "2021-08-13.yaml", 2, 8)
    ]
    assert "2021-08-13-kabul.yaml is as of 2021-08-13 12:30, the same moment as this one's 2021-08-13 08:00 UTC;" in (
        found[0].message
    )


def test_duplicate_figure_ids_in_one_file_name_both_lines(repo: Callable[..., Path]) -> None:
    figures = "figures:\n  - id: f1\n    label: a\n    value: 1\n  - id: f1\n    label: b\n    value: 2\n"
    found = [p for p in problems_in(repo({EVENT: GOOD_EVENT + figures})) if p.code == "duplicate-id"]
    assert sorted((p.line, p.col) for p in found) == [(5, 9), (8, 9)]
    assert any(f"{EVENT}:5" in p.message for p in found)


def test_a_file_name_that_is_not_utf8_is_reported_with_its_bytes(repo: Callable[..., Path]) -> None:
    data = repo()
    try:
        (data / "events" / os.fsdecode(b"caf\xff.yaml")).write_text(GOOD_EVENT, encoding="utf-8")
        (data / os.fsdecode(b"notes-\xfe")).mkdir()
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system refuses file names that are not UTF-8")
    found = problems_in(data)
    assert sorted((p.code, p.path.split("briefings/", 1)[-1], p.line, p.col) for p in found) == [
        ("bad-file-name", "events/caf\\xff.yaml", 1, 1),
        ("bad-file-name", "notes-\\xfe", 1, 1),
    ]
    assert "'caf\\xff.yaml' is not UTF-8 text" in found[0].message
    for shown in found:
        str(shown).encode("utf-8")


def test_lone_surrogates_never_reach_a_message() -> None:
    from builder.problems import problem

    found = problem("unexpected-file", "briefings/x\udcff", 1, 1, name="x\udcff")
    assert str(found).encode("utf-8") and "\\udcff" in str(found)


def test_a_linked_kind_folder_or_data_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = write_tree(tmp_path / "elsewhere", {"x.yaml": "name: X\nkind: city\n"})
    data = write_tree(tmp_path / "briefings", {"places": Link(str(elsewhere))})
    [found] = problems_in(data)
    assert (found.code, found.path.rsplit("/", 1)[-1], found.line, found.col) == ("linked-folder", "places", 1, 1)
    linked = write_tree(tmp_path / "data", {"briefings": Link(str(elsewhere.parent / "briefings"))}) / "briefings"
    [found] = problems_in(linked)
    assert found.code == "linked-folder" and found.path.endswith("data/briefings")


def test_readme_files_are_skipped_but_readme_records_are_loaded(repo: Callable[..., Path]) -> None:
    data = repo({"places/README.md": "# Places\n", "README": "notes", "places/readme-kabul.yaml": "name: Kabul\n"})
    assert [(p.code, p.path.rsplit("/", 1)[-1]) for p in problems_in(data)] == [("missing-field", "readme-kabul.yaml")]


@pytest.mark.parametrize(
    ("files", "path", "line", "col"),
    [
        ({"places/con.yaml": "name: Con\nkind: city\n"}, "places/con.yaml", 1, 1),
        ({"actors/lpt1.yaml": "name: L\nkind: person\n"}, "actors/lpt1.yaml", 1, 1),
        ({EVENT: GOOD_EVENT + "tags: [kabul, index]\n"}, EVENT, 4, 15),
        ({"quotes/official.yaml": "speaker: government\ntext: t\nsources: [report]\ntags: [nul]\n"},
         "quotes/official.yaml", 4, 8),
        ({"briefings/2021-08-13.yaml": "title: B\nas_of: 2021-08-13\ntags:\n  - aux\n"},
         "briefings/2021-08-13.yaml", 4, 5),
        ({EVENT: GOOD_EVENT + "figures:\n  - id: index\n    label: l\n    value: 1\n"}, EVENT, 5, 9),
    ],
)  # fmt: skip
def test_reserved_ids_are_refused_in_every_kind_and_as_tags(
    repo: Callable[..., Path], files: dict[str, str], path: str, line: int, col: int
) -> None:
    found = [p for p in problems_in(repo(files)) if p.code == "reserved-id"]
    assert [(p.path.split("briefings/", 1)[-1], p.line, p.col) for p in found] == [(path, line, col)]


def test_a_branch_cannot_climb_out_of_the_repository(repo: Callable[..., Path]) -> None:
    [found] = problems_in(repo({"site.yaml": "branch: ../../etc\n"}))
    assert (found.code, found.line, found.col) == ("invalid-value", 1, 9)
    assert "not a branch name" in found.message


FAR_FUTURE = "2199-06-01"


@pytest.mark.parametrize(
    ("files", "path", "line", "col"),
    [
        ({EVENT: f"title: t\ndate: {FAR_FUTURE}/2199-06-03\nsources: [report]\n"}, EVENT, 2, 7),
        ({"briefings/later.yaml": f"title: B\nas_of: {FAR_FUTURE}\n"}, "briefings/later.yaml", 2, 8),
        ({"quotes/official.yaml": f"speaker: government\ntext: t\nsources: [report]\ndate: {FAR_FUTURE}\n"},
         "quotes/official.yaml", 4, 7),
        ({EVENT: GOOD_EVENT + f"status:\n  - status: reported\n  - status: confirmed\n    date: {FAR_FUTURE}\n"},
         EVENT, 7, 11),
        ({EVENT: GOOD_EVENT + "control:\n  - place: kandahar\n    to: taliban\n    status:\n"
          f"      - status: confirmed\n        date: {FAR_FUTURE}\n"}, EVENT, 9, 15),
        ({EVENT: GOOD_EVENT + f"figures:\n  - id: f\n    label: l\n    value: 1\n    as_of: {FAR_FUTURE}\n"},
         EVENT, 8, 12),
        ({"sources/report.yaml": f"title: t\npublisher: p\nkind: photo\npublished: {FAR_FUTURE}\n"},
         "sources/report.yaml", 4, 12),
    ],
)  # fmt: skip
def test_nothing_may_be_dated_after_today(
    repo: Callable[..., Path], files: dict[str, str], path: str, line: int, col: int
) -> None:
    found = [p for p in problems_in(repo(files)) if p.code == "dated-in-future"]
    assert [(p.path.split("briefings/", 1)[-1], p.line, p.col) for p in found] == [(path, line, col)]


def test_a_draft_may_be_written_ahead_of_its_day(repo: Callable[..., Path]) -> None:
    assert problems_in(repo({"briefings/later.yaml": f"title: B\nas_of: {FAR_FUTURE}\ndraft: true\n"})) == []


def problems_at(data: Path, now: datetime) -> list[Problem]:
    try:
        validate(data, now=now)
    except DataError as error:
        return error.problems
    return []


def test_today_is_the_sites_today_not_the_machines(repo: Callable[..., Path]) -> None:
    # 20:00 in UTC is already half past midnight the next day in Kabul.
    evening = datetime(2021, 8, 13, 20, 0, tzinfo=UTC)
    assert today_in("Asia/Kabul", evening) == date(2021, 8, 14)
    assert today_in("UTC", evening) == date(2021, 8, 13)
    event = {"events/next-day.yaml": "title: t\ndate: 2021-08-14\nsources: [report]\n"}
    assert problems_at(repo({**event, "site.yaml": "time_zone: Asia/Kabul\n"}), evening) == []
    [found] = problems_at(repo({**event, "site.yaml": "time_zone: UTC\n"}), evening)
    assert found.code == "dated-in-future" and "after today (2021-08-13 in UTC)" in found.message


def test_a_range_may_not_end_after_today_but_a_month_need_only_have_begun(repo: Callable[..., Path]) -> None:
    now = datetime(2021, 8, 13, 12, 0, tzinfo=UTC)
    later = "events/later.yaml"
    assert problems_at(repo({later: "title: t\ndate: 2021-08\nsources: [report]\n"}), now) == []
    [found] = problems_at(repo({later: "title: t\ndate: 2021-08-12/2021-08-14\nsources: [report]\n"}), now)
    assert (found.code, found.line, found.col) == ("dated-in-future", 2, 7)


def test_unknown_references_are_all_reported_and_suggestions_stop_at_the_cap(repo: Callable[..., Path]) -> None:
    misses = [f"kandahar{n}" for n in range(3000)]
    data = repo({EVENT: GOOD_EVENT + "places:\n" + "".join(f"  - {miss}\n" for miss in misses)})
    found = [p for p in problems_in(data) if p.code == "unknown-reference" and p.path.endswith(EVENT)]
    assert len(found) == len(misses)
    suggested = [p for p in found if "did you mean 'kandahar'?" in p.message]
    assert len(suggested) == MAX_SUGGESTIONS_PER_FILE
    assert all("fix the id or add places/" in p.message for p in found if p not in suggested)


def test_suggestions_stop_across_the_repository_too(repo: Callable[..., Path]) -> None:
    files = MAX_SUGGESTIONS // MAX_SUGGESTIONS_PER_FILE + 3
    events = {
        f"events/e{n}.yaml": GOOD_EVENT + "places:\n" + "".join(f"  - kandahar-{n}-{m}\n" for m in range(6))
        for n in range(files)
    }
    found = [p for p in problems_in(repo(events)) if p.code == "unknown-reference" and "kandahar-" in p.message]
    assert len(found) == 6 * files
    assert sum("did you mean" in p.message for p in found) == MAX_SUGGESTIONS


def test_validation_needs_none_of_the_preview_machinery() -> None:
    """The stage is a function of its inputs: the memory it may be given is only an interface."""
    code = "import sys, builder.validate; print(sorted(m for m in sys.modules if m.startswith('builder.')))"
    root = Path(__file__).parent.parent
    loaded = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True).stdout
    assert "builder.reuse" not in loaded and "builder.render" not in loaded


@pytest.mark.parametrize(
    "control",
    [
        "  - place: kandahar\n    from: government\n    to: taliban\n",
        "  - place: kandahar\n    from: taliban\n    to: taliban\n    how: held\n",
        "  - place: kandahar\n    to: taliban\n",
    ],
)
def test_control_may_stay_with_its_holder_only_when_held(repo: Callable[..., Path], control: str) -> None:
    assert problems_in(repo({"events/later.yaml": GOOD_EVENT + "control:\n" + control})) == []


def test_a_revision_may_reword_the_label_but_not_change_the_unit(repo: Callable[..., Path]) -> None:
    figures = (
        "figures:\n  - id: troops\n    label: extra US troops\n    value: 3000\n    unit: troops\n"
        "    by: government\n  - id: more\n    label: US troops sent to evacuate the embassy\n    value: 4000\n"
        "    unit: {unit}\n    by: government\n    revises: {revises}\n    sources: [report]\n"
    )
    assert problems_in(repo({EVENT: GOOD_EVENT + figures.format(unit="Troops", revises="troops")})) == []
    [found] = problems_in(repo({EVENT: GOOD_EVENT + figures.format(unit="soldiers", revises="troops")}))
    assert found.code == "revision-changes-unit" and "its own unit is 'soldiers'" in found.message
    # A revision of an unknown figure is one problem, not two.
    [found] = problems_in(repo({EVENT: GOOD_EVENT + figures.format(unit="soldiers", revises="troopz")}))
    assert found.code == "unknown-reference"


def test_a_retraction_that_cites_its_own_source_passes(repo: Callable[..., Path]) -> None:
    retracted = RETRACTED + "    sources: [report]\n"
    assert [p for p in problems_in(repo({EVENT: GOOD_EVENT + retracted})) if p.path.endswith(EVENT)] == []

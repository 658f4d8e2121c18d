"""One invalid fixture per problem code: the code, and where it is reported."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from builder.load import MAX_FILE_BYTES, MAX_VALUE_CHARS
from builder.problems import TEMPLATES

from .conftest import Link, problems_in

EVENT = "events/kandahar-falls.yaml"
GOOD_EVENT = "title: Taliban take Kandahar\ndate: 2021-08-13\nsources: [report]\n"

# code -> (files to write over the base repository, file reported, line, column, words in the message)
CASES: dict[str, tuple[dict[str, str | bytes | Link | None], str, int, int, str]] = {
    "linked-file": ({"actors/zero.yaml": Link("/dev/zero")}, "actors/zero.yaml", 1, 1, "a link or a special file"),
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
    assert set(CASES) | {"unreadable"} == set(TEMPLATES)


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
    assert len(found) == 1 and "same as-of date and time" in found[0].message


def test_duplicate_figure_ids_in_one_file_name_both_lines(repo: Callable[..., Path]) -> None:
    figures = "figures:\n  - id: f1\n    label: a\n    value: 1\n  - id: f1\n    label: b\n    value: 2\n"
    found = [p for p in problems_in(repo({EVENT: GOOD_EVENT + figures})) if p.code == "duplicate-id"]
    assert sorted((p.line, p.col) for p in found) == [(5, 9), (8, 9)]
    assert any(f"{EVENT}:5" in p.message for p in found)

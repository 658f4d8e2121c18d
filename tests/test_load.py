"""The YAML traps: nothing is typed by YAML, and every refusal has a position."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from pathlib import Path

import pytest

from builder import load
from builder.discover import find_files, record_key
from builder.load import MAX_DEPTH, load_file, load_text
from builder.model import Event, Site

from .conftest import problems_in


def test_scalars_stay_text() -> None:
    doc, problems = load_text("time: 22:30\ncountry: NO\ndraft: yes\nvalue: 0x1A\ndate: 2021-08-13\nempty:\n", "f.yaml")
    assert problems == []
    assert doc is not None
    assert doc.data == {
        "time": "22:30",
        "country": "NO",
        "draft": "yes",
        "value": "0x1A",
        "date": "2021-08-13",
        "empty": None,
    }


def test_a_time_is_a_time_and_no_is_text() -> None:
    doc, _ = load_text("title: t\ndate: 2021-08-13\ntime: 22:30\nsummary: NO\nsources: [s]\n", "e.yaml")
    assert doc is not None
    event = Event.model_validate(doc.data)
    assert event.time is not None and event.time.clock == time(22, 30)
    assert event.summary == "NO"
    assert Site.model_validate({"time_zone": "Asia/Kabul", "title": "NO"}).title == "NO"


def test_invalid_calendar_date_is_a_problem_with_its_position(repo: Callable[..., Path]) -> None:
    data = repo({"events/kandahar-falls.yaml": "title: t\nsources: [report]\ndate: 2021-02-30\n"})
    found = [p for p in problems_in(data) if p.code == "invalid-date"]
    assert [(p.path.rsplit("/", 1)[-1], p.line, p.col) for p in found] == [("kandahar-falls.yaml", 3, 7)]


def test_duplicate_keys_name_both_positions() -> None:
    _, problems = load_text("title: a\nplaces:\n  - x\ntitle: b\n", "f.yaml")
    assert [str(p) for p in problems] == [
        "f.yaml:4:1: key 'title' appears twice (first at line 1, column 1); keep one [duplicate-key]"
    ]


def test_duplicate_keys_in_nested_mappings() -> None:
    _, problems = load_text("figures:\n  - id: a\n    id: b\n", "f.yaml")
    assert [(p.line, p.col, p.code) for p in problems] == [(3, 5, "duplicate-key")]


@pytest.mark.parametrize(
    ("text", "position", "code"),
    [
        ("a: &x 1\nb: *x\n", (1, 4), "anchor-or-alias"),
        ("a: 1\nb: *x\n", (2, 4), "anchor-or-alias"),
        ("a: !!python/object:os.system ls\n", (1, 4), "yaml-tag"),
        ("a: !custom x\n", (1, 4), "yaml-tag"),
        ("!!map\na: 1\n", (1, 1), "yaml-tag"),
        ("a: !!str 1\n", (1, 4), "yaml-tag"),
        ("a:\n  b: &anchor\n    c: 1\n", (2, 6), "anchor-or-alias"),
    ],
)
def test_anchors_aliases_and_tags_are_refused(text: str, position: tuple[int, int], code: str) -> None:
    _, problems = load_text(text, "f.yaml")
    assert [((p.line, p.col), p.code) for p in problems] == [(position, code)]


def test_alias_bomb_is_refused_at_its_first_anchor() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 9):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    text = "\n".join(lines) + "\n"
    assert len(text) < 600
    doc, problems = load_text(text, "bomb.yaml")
    assert doc is None
    assert [(p.line, p.col, p.code) for p in problems] == [(1, 4, "anchor-or-alias")]


def test_non_utf8_bytes_are_refused_with_position(tmp_path: Path) -> None:
    file = tmp_path / "f.yaml"
    file.write_bytes("title: Kabul\nsummary: Herat \u2014 ".encode() + b"\xff\xfe rest\n")
    _, problems = load_file(file, "f.yaml")
    assert [(p.line, p.col, p.code) for p in problems] == [(2, 18, "not-utf8")]


def test_utf16_is_not_utf8(tmp_path: Path) -> None:
    file = tmp_path / "f.yaml"
    file.write_bytes("title: Kabul\n".encode("utf-16"))
    _, problems = load_file(file, "f.yaml")
    assert [p.code for p in problems] == ["not-utf8"]


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    file = tmp_path / "f.yaml"
    file.write_bytes(b"\xef\xbb\xbftitle: Kabul\n")
    doc, problems = load_file(file, "f.yaml")
    assert problems == [] and doc is not None and doc.data == {"title": "Kabul"}


@pytest.mark.parametrize(
    ("text", "position", "char"),
    [
        ("title: a\x00b\n", (1, 9), "U+0000"),
        ("title: ok\nsummary: \x1b[31mred\n", (2, 10), "U+001B"),
        ('title: "a\\0b"\n', (1, 8), "U+0000"),
        ('title: ok\nsummary: "bell \\a"\n', (2, 10), "U+0007"),
        ('title: "\\x85 next line"\n', (1, 8), "U+0085"),
        ('title: "\\uFEFF"\n', (1, 8), "U+FEFF"),
        ("title: ok\rsummary: x\n", (1, 10), "U+000D"),
        ("title: ok\u2028summary: x\n", (1, 10), "U+2028"),
    ],
)
def test_control_characters_are_refused_also_through_escapes(
    text: str, position: tuple[int, int], char: str, tmp_path: Path
) -> None:
    file = tmp_path / "f.yaml"
    file.write_bytes(text.encode())
    _, problems = load_file(file, "f.yaml")
    assert [((p.line, p.col), p.code) for p in problems] == [(position, "control-character")]
    assert char in problems[0].message


def test_tabs_and_newlines_inside_text_are_fine() -> None:
    doc, problems = load_text('title: "a\\tb"\nsummary: |\n  line one\n  line two\n', "f.yaml")
    assert problems == [] and doc is not None
    assert doc.data == {"title": "a\tb", "summary": "line one\nline two\n"}


@pytest.mark.parametrize(
    ("text", "found"),
    [("- a\n- b\n", "a list"), ("just text\n", "a single value"), ("'title: x'\n", "a single value")],
)
def test_root_must_be_a_mapping(text: str, found: str) -> None:
    _, problems = load_text(text, "f.yaml")
    assert [(p.line, p.col, p.code) for p in problems] == [(1, 1, "not-a-mapping")]
    assert found in problems[0].message


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_empty_files_are_refused(text: str, tmp_path: Path) -> None:
    file = tmp_path / "f.yaml"
    file.write_text(text)
    _, problems = load_file(file, "f.yaml")
    assert [p.code for p in problems] == ["empty-file"]


def test_deep_nesting_fails_without_crashing() -> None:
    for text in ("a: " + "[" * 100_000 + "]" * 100_000 + "\n", "a:\n" + "- " * 60_000 + "x\n"):
        _, problems = load_text(text, "deep.yaml")
        assert [p.code for p in problems] == ["too-deep"]
    nested = "a:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 400)) + " " * 400 + "end: x\n"
    _, problems = load_text(nested, "deep.yaml")
    assert [p.code for p in problems] == ["too-deep"]
    assert problems[0].line == MAX_DEPTH + 2


def test_syntax_error_points_at_the_problem_and_its_context() -> None:
    _, problems = load_text("title: ok\nplaces: [a, b\nsummary: x\n", "f.yaml")
    (found,) = problems
    assert (found.line, found.code) == (3, "yaml-syntax")
    assert "starts at line 2, column 9" in found.message


def test_keys_that_are_not_text_are_refused() -> None:
    _, problems = load_text("? {a: 1}\n: x\n", "f.yaml")
    assert [(p.line, p.col, p.code) for p in problems] == [(1, 3, "bad-key")]


def test_plain_text_with_yaml_indicator_characters_loads() -> None:
    text = "title: AT&T and R&D? Yes!\nsummary: 'a *starred* [bracket] {brace} - - dash'\nnote: \"!important\"\n"
    doc, problems = load_text(text, "f.yaml")
    assert problems == [] and doc is not None
    assert doc.data["title"] == "AT&T and R&D? Yes!"
    assert doc.data["note"] == "!important"


def test_positions_are_found_lazily_for_nested_values() -> None:
    doc, _ = load_text("title: t\nfigures:\n  - id: a\n    value: lots\n", "f.yaml")
    assert doc is not None
    assert doc.position(("figures", 0, "value")) == (4, 12)
    assert doc.position(("figures", 0, "value"), key=True) == (4, 5)
    assert doc.position(("figures", 3, "value")) == (3, 3)
    assert doc.position(("missing",)) == (1, 1)


@pytest.mark.parametrize(
    "text",
    [
        "title: t\ntime: 22:30\ncountry: NO\nplaces: [a, b]\nstatus:\n  - status: claimed\n    by: x\n",
        "a: 1\na: 2\n",
        "a: &x 1\nb: *x\n",
        "a: !!int 1\n",
        'a: "\\0"\n',
        "- a\n",
        "a: [1\n",
        "a: " + "[" * 200 + "]" * 200 + "\n",
        "---\na: 1\n---\nb: 2\n",
        "? [a]\n: 1\n",
    ],
)
def test_pure_python_parser_behaves_like_libyaml(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """PyYAML built without libyaml falls back to its own parser, with the same results."""
    expected_doc, expected = load_text(text, "f.yaml")
    monkeypatch.setattr(load, "_TextLoader", load._text_loader(load._PurePythonParser))
    doc, problems = load_text(text, "f.yaml")
    assert (doc.data if doc else None) == (expected_doc.data if expected_doc else None)
    assert [(p.line, p.col, p.code) for p in problems] == [(p.line, p.col, p.code) for p in expected]


def test_windows_line_endings_are_read_as_newlines(tmp_path: Path) -> None:
    file = tmp_path / "f.yaml"
    file.write_bytes(b"title: Kabul\r\nsummary: |\r\n  two\r\n  lines\r\nx: 1\r\nx: 2\r\n")
    doc, problems = load_file(file, "f.yaml")
    assert [(p.line, p.col, p.code) for p in problems] == [(6, 1, "duplicate-key")]
    file.write_bytes(b"title: Kabul\r\nsummary: |\r\n  two\r\n  lines\r\n")
    doc, problems = load_file(file, "f.yaml")
    assert doc is not None and doc.data["summary"] == "two\nlines\n"


def test_tabs_for_indentation_get_a_hint_about_tabs() -> None:
    _, problems = load_text("title: t\nplaces:\n\t- kabul\n", "f.yaml")
    (found,) = problems
    assert found.code == "yaml-syntax" and found.line == 3 and "indent with spaces, not tabs" in found.message


@pytest.mark.parametrize(
    ("parts", "key"),
    [
        (("events", "kabul-falls.yaml"), ("events", "kabul-falls")),
        (("events", "2021", "kabul-falls.yml"), ("events", "kabul-falls")),
        (("places", "readme-kabul.yaml"), ("places", "readme-kabul")),
        (("places", "README.md"), None),
        (("places", "readme", "kabul.yaml"), None),
        (("places", ".draft.yaml"), None),
        (("places", ".drafts", "kabul.yaml"), None),
        (("places", "kabul.txt"), None),
        (("notes", "kabul.yaml"), None),
        (("site.yaml",), None),
    ],
)
def test_which_files_are_records(parts: tuple[str, ...], key: tuple[str, str] | None) -> None:
    assert record_key(parts) == key


def test_the_walk_and_the_rules_agree(tmp_path: Path) -> None:
    names = [
        "events/a.yaml",
        "events/2021/b.yml",
        "events/README.md",
        "events/readme-c.yaml",
        "events/.hidden/d.yaml",
        "events/readme/e.yaml",
        "places/f.yaml",
    ]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("name: x\n", encoding="utf-8")
    found, problems = find_files(tmp_path)
    assert problems == []
    assert sorted((file.kind, file.id) for file in found) == sorted(
        key for name in names if (key := record_key(name.split("/"))) is not None
    )
    assert sorted(file.id for file in found) == ["a", "b", "f", "readme-c"]

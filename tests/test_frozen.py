"""`briefings check --base REF`: a briefing published at REF must read the same in the working tree."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from builder import escape, frozen
from builder.cli import main
from builder.render import render
from builder.validate import validate

from .conftest import SAMPLE, git

# The sample data changes as the article is followed more closely: what the tests edit is found in it,
# and what they expect is read from the pages the build renders, not written out here.
EARLIER, LATER = "2021-08-12", "2021-08-13"
DRAFT = "2021-08-15"
DRAFT_TEXT = "title: Draft briefing, 15 August 2021\nas_of: 2021-08-15\ndraft: true\n"
NEW_TEXT = "title: Briefing, 14 August 2021\nas_of: 2021-08-14\nhighlights:\n  - Kabul is next.\n"
ADDED = " Reuters could not confirm it."


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`briefings/` in a git repository holding the sample data and a draft, committed once; the working folder."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    shutil.copytree(SAMPLE, root / "briefings")
    (root / "briefings" / "briefings" / f"{DRAFT}.yaml").write_text(DRAFT_TEXT, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    monkeypatch.chdir(root)
    # The base's data is written into a temporary folder of the test's own, to see it removed.
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return Path("briefings")


def check(capsys: pytest.CaptureFixture[str], *args: str, base: str = "HEAD") -> tuple[int, str, str]:
    """`briefings check --base` on the working folder's data: exit code, stdout, stderr."""
    code = main(["check", "--data", "briefings", "--base", base, *args])
    out, err = capsys.readouterr()
    return code, out, err


def replace(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text, (file, old)
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def read(file: Path) -> dict[str, Any]:
    """A record's fields, each value as the text written (the builder types them, not YAML)."""
    record = yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert isinstance(record, dict)
    return record


def rewrite(file: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Make `change` to a record's fields and write the record again."""
    record = read(file)
    change(record)
    file.write_text(yaml.safe_dump(record, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")


def briefing_file(data: Path, briefing_id: str) -> Path:
    return data / "briefings" / f"{briefing_id}.yaml"


def title(data: Path, briefing_id: str) -> str:
    return str(read(briefing_file(data, briefing_id))["title"])


def shown(text: str) -> str:
    """`text` as a page shows it."""
    return str(escape.text(text))


def key_line(file: Path, key: str) -> int:
    lines = file.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(f"{key}:"))


def quoted(out: str, sign: str, text: str) -> list[str]:
    """The diff lines of the output that start with `sign` and hold `text`."""
    return [line for line in out.splitlines() if line.lstrip().startswith(sign) and text in line]


def named(out: str) -> set[str]:
    """The briefing files the output reports problems at."""
    return {line.split(":", 1)[0] for line in out.splitlines() if line.startswith("briefings/briefings/")}


# What a user notices


def test_an_unchanged_tree_passes(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = check(capsys)
    assert code == 0, out + err
    assert "no problems found" in out
    assert "no briefing published at HEAD would change" in out


def test_editing_a_published_highlight_fails_naming_the_briefing_and_showing_the_old_and_new_line(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = briefing_file(data, EARLIER)
    old = read(file)["highlights"][0]
    rewrite(file, lambda record: record["highlights"].__setitem__(0, old + ADDED))
    code, out, err = check(capsys)
    assert code == 1, out + err
    assert named(out) == {file.as_posix()}
    assert f"{file.as_posix()}:{key_line(file, 'as_of')}:1: the published briefing '{title(data, EARLIER)}'" in out
    assert "(as of 12 August 2021" in out
    assert "[published-briefing-changed]" in out
    # The line as it was, and as it would be.
    (removed,) = quoted(out, "-", shown(old)[-40:])
    (added,) = quoted(out, "+", shown(old + ADDED)[-40:])
    assert shown(ADDED.strip()) not in removed and shown(ADDED.strip()) in added
    assert "record later news with a later `reported` moment, or a correction" in out
    assert out.rstrip().endswith("1 problem found")


def test_editing_an_event_a_published_briefing_shows_fails_naming_that_briefing(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = render(validate(data), "briefings", 1)
    briefings = {path: str(page) for path, page in pages.items() if path.startswith("briefings/2")}
    # An event whose summary a published briefing shows, and the briefings that show it.
    for file in sorted((data / "events").glob("*.yaml")):
        summary = str(read(file).get("summary", ""))
        start = shown(summary)[:60]
        showing = {path for path, page in briefings.items() if summary and start in page}
        if showing:
            break
    assert showing, "no published briefing of the sample shows an event's summary"
    rewrite(file, lambda record: record.__setitem__("summary", summary + ADDED))
    code, out, err = check(capsys)
    assert code == 1, out + err
    expected = {(data / path).with_suffix(".yaml").as_posix() for path in showing}
    assert named(out) == expected
    for path in expected:
        assert f"the published briefing '{title(data, Path(path).stem)}'" in out
    assert quoted(out, "+", shown(ADDED.strip()))


def test_adding_a_new_briefing_passes(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # It becomes the latest: the briefing before it gains a link to it, in a part that may change.
    briefing_file(data, "2021-08-14").write_text(NEW_TEXT, encoding="utf-8")
    code, out, err = check(capsys)
    assert code == 0, out + err
    assert "no problems found" in out


def test_editing_or_publishing_a_draft_passes(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = briefing_file(data, DRAFT)
    replace(file, "title: Draft briefing", "title: Reworded draft briefing")
    code, out, err = check(capsys)
    assert code == 0, out + err
    replace(file, "draft: true\n", "")
    code, out, err = check(capsys)
    assert code == 0, out + err


def test_removing_a_published_briefing_is_reported(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = briefing_file(data, EARLIER)
    name = title(data, EARLIER)
    file.unlink()
    code, out, err = check(capsys)
    assert code == 1, out + err
    assert f"{file.as_posix()}:1:1: the published briefing '{name}' (as of 12 August 2021" in out
    assert "is no longer in the data" in out and "[published-briefing-removed]" in out


def test_making_a_published_briefing_a_draft_is_reported(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = briefing_file(data, EARLIER)
    file.write_text(file.read_text(encoding="utf-8") + "draft: true\n", encoding="utf-8")
    code, out, err = check(capsys)
    assert code == 1, out + err
    assert f"{file.as_posix()}:{key_line(file, 'draft')}:1: the published briefing '{title(data, EARLIER)}'" in out
    assert "is marked `draft: true`" in out and "[published-briefing-removed]" in out


def test_a_revision_git_does_not_know_is_a_clear_error(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = check(capsys, base="no-such-branch")
    assert code == 2
    assert "unknown git revision 'no-such-branch'" in err
    assert "Traceback" not in out + err


def test_data_outside_git_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "outside"
    shutil.copytree(SAMPLE, outside)
    code = main(["check", "--data", str(outside), "--base", "HEAD"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "not inside a git repository" in err and "Traceback" not in out + err


def test_invalid_data_is_reported_before_any_comparison(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    replace(briefing_file(data, EARLIER), "as_of: 2021-08-12", "as_of: someday")
    code, out, _ = check(capsys)
    assert code == 1
    assert "[invalid-date]" in out and "published-briefing" not in out


def test_a_change_cannot_hide_behind_text_that_looks_like_a_marker(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hidden = f"{frozen.LATER_START}\nThe city fell.\n{frozen.LATER_END}\n"
    rewrite(briefing_file(data, EARLIER), lambda record: record["highlights"].insert(0, hidden))
    code, out, err = check(capsys)
    assert code == 1, out + err
    assert quoted(out, "+", "The city fell.")


# Output formats


def test_github_format_annotates_the_briefing_with_the_diff(
    data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    file = briefing_file(data, EARLIER)
    rewrite(file, lambda record: record["highlights"].append(ADDED.strip()))
    code, out, _ = check(capsys, "--format", "github")
    assert code == 1
    (annotation,) = [line for line in out.splitlines() if line.startswith("::error ")]
    assert annotation.startswith(
        f"::error file={file.as_posix()},line={key_line(file, 'as_of')},col=1,title=published-briefing-changed::"
    )
    # The diff's lines stay inside the one annotation, and none of them starts a line of the log.
    assert "%0A    +" in annotation and shown(ADDED.strip()) in annotation
    assert not [line for line in out.splitlines() if line.startswith(("-", "+"))]
    written = summary.read_text(encoding="utf-8")
    assert "### Published briefings since HEAD" in written and "published-briefing-changed" in written
    (row,) = [line for line in written.splitlines() if "published-briefing-changed" in line]
    assert "<br>" in row


def test_json_format_lists_each_problem(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rewrite(briefing_file(data, EARLIER), lambda record: record["highlights"].append(ADDED.strip()))
    briefing_file(data, LATER).unlink()
    code, out, _ = check(capsys, "--format", "json")
    assert code == 1
    report = json.loads(out)
    codes = {Path(p["path"]).stem: p["code"] for p in report["problems"]}
    assert codes == {EARLIER: "published-briefing-changed", LATER: "published-briefing-removed"}
    (changed,) = [p for p in report["problems"] if p["code"] == "published-briefing-changed"]
    assert quoted(changed["message"], "+", shown(ADDED.strip()))


def test_a_long_diff_is_cut_short(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def reword(record: dict[str, Any]) -> None:
        record["highlights"] = [f"Reworded: {line}" for line in record["highlights"]]
        record["watch"] = [f"Reworded: {line}" for line in record["watch"]]

    rewrite(briefing_file(data, LATER), reword)
    code, out, _ = check(capsys)
    assert code == 1
    diff = [line for line in out.splitlines() if line.startswith("    ")]
    assert len(diff) == frozen.DIFF_LINES + 1
    assert diff[-1].strip().startswith("… and ") and diff[-1].endswith(" more lines")


# The base side


def test_a_base_that_does_not_validate_is_one_problem(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = sorted((data / "sources").glob("*.yaml"))[0].stem
    broken = data / "quotes" / "broken.yaml"
    broken.write_text(f"speaker: no-such-actor\ntext: Words\nsources:\n  - {source}\n", encoding="utf-8")
    git(Path.cwd(), "add", "-A")
    git(Path.cwd(), "commit", "-q", "-m", "broken")
    broken.unlink()
    code, out, err = check(capsys)
    assert code == 1, out + err
    assert out.startswith(f"{broken.as_posix()}:")
    assert "the data at HEAD does not validate" in out and "no-such-actor" in out
    assert "[base-does-not-validate]" in out and out.rstrip().endswith("1 problem found")
    assert list(Path(tempfile.gettempdir()).iterdir()) == []


def test_the_base_is_read_into_a_temporary_folder_that_is_removed(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = check(capsys)
    assert code == 0, out + err
    assert list(Path(tempfile.gettempdir()).iterdir()) == []


def test_materialise_writes_plain_files_only(data: Path, tmp_path: Path) -> None:
    root = Path.cwd()
    (data / "events" / "link.yaml").symlink_to("../../../outside.yaml")
    (data / "places" / "folder-link").symlink_to("/etc")
    (root / "outside.txt").write_text("not data\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "links")
    into = tmp_path / "into"
    into.mkdir()
    commit = git(root, "rev-parse", "HEAD").strip()
    count = frozen.materialise(commit, "briefings", root.resolve(), into)
    written = sorted(p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file())
    expected = sorted(p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file() and not p.is_symlink())
    assert written == expected and count == len(expected)
    assert not [p for p in into.rglob("*") if p.is_symlink()]
    for name in written:
        assert (into / name).read_bytes() == (data / name).read_bytes()


# What may change


PAGE = """\
---
title: "Briefing"
jsonld: {jsonld}
og_type: "article"
og_url: "https://example.org/briefings/a/"
edit_source: "https://github.com/example/briefings/edit/main/briefings/briefings/a.yaml"
---

# Briefing

**As of 13 August 2021** · covers 12–13 August 2021

<!-- later:start -->
[← Previous briefing](z.md) · [Next briefing →](b.md)

<!-- later:end -->

## Highlights

- Kandahar fell.
<!-- later:start -->
*Corrected on 14 August 2021: the city fell a day later.*
<!-- later:end -->
- Herat is contested.
"""
JSONLD = {"@type": "NewsArticle", "headline": "Briefing", "url": "https://example.org/briefings/a/"}


def page(changes: dict[str, str] | None = None, document: dict[str, str] = JSONLD) -> str:
    """The page above, its JSON-LD `document` as the front matter writes it, with `changes` (old: new) made."""
    text = PAGE.format(jsonld=json.dumps(json.dumps(document | {"mainEntityOfPage": document["url"]})))
    for old, new in (changes or {}).items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_frozen_content_leaves_out_the_later_regions_and_keeps_everything_else() -> None:
    content = frozen.frozen_content(page())
    for gone in ("later:", "Next briefing", "Corrected on", "og_url", "edit_source", "https://example.org"):
        assert gone not in content
    lines = content.splitlines()
    assert lines[:2] == ["---", 'title: "Briefing"']
    assert 'og_type: "article"' in lines
    assert json.loads(lines[2].removeprefix("jsonld: ")) == {"@type": "NewsArticle", "headline": "Briefing"}
    assert lines[4:] == [
        "---",
        "",
        "# Briefing",
        "",
        "**As of 13 August 2021** · covers 12–13 August 2021",
        "",
        "## Highlights",
        "",
        "- Kandahar fell.",
        "- Herat is contested.",
    ]


def test_frozen_content_is_the_same_with_or_without_later_notices_and_addresses() -> None:
    first = page({"[← Previous briefing](z.md) · [Next briefing →](b.md)\n": ""})
    moved = page({"https://example.org/": "https://news.example.net/", "/edit/main/": "/edit/trunk/"})
    without = page(
        {
            "<!-- later:start -->\n[← Previous briefing](z.md) · [Next briefing →](b.md)\n\n<!-- later:end -->\n\n": "",
            "<!-- later:start -->\n*Corrected on 14 August 2021: the city fell a day later.*\n<!-- later:end -->\n": "",
        }
    )
    assert frozen.frozen_content(first) == frozen.frozen_content(moved) == frozen.frozen_content(without)
    assert frozen.frozen_content(page()) == frozen.frozen_content(without)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("- Kandahar fell.", "- Kandahar has fallen."),
        ('title: "Briefing"', 'title: "Briefing, revised"'),
        ('og_type: "article"', 'og_type: "website"'),
        ("\n## Highlights\n", "\n## Highlights\n\n"),
        ("\n- Herat is contested.\n", "\n- Herat is contested.\n<!-- later:end -->\n"),
    ],
)
def test_frozen_content_sees_any_other_change(old: str, new: str) -> None:
    assert frozen.frozen_content(page()) != frozen.frozen_content(page({old: new}))


def test_frozen_content_sees_a_change_within_the_json_ld() -> None:
    assert frozen.frozen_content(page()) != frozen.frozen_content(page(document=JSONLD | {"headline": "Changed"}))


def test_an_unclosed_later_region_is_kept() -> None:
    text = "# Briefing\n\n<!-- later:start -->\nKandahar fell.\n"
    assert frozen.frozen_content(text) == text


def test_renaming_the_site_changes_no_published_briefing() -> None:
    renamed = {"@type": "Organization", "name": "Renamed briefings"}
    assert frozen.frozen_content(page()) == frozen.frozen_content(
        page(document=JSONLD | {"author": renamed, "publisher": renamed})
    )

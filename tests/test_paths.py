"""The hand-written files under docs/: only plain files are published, and no two files share a URL."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from builder import cli, pipeline
from builder.handwritten import ClashError, published_at, refuse_clashes
from builder.handwritten import read as handwritten
from builder.problems import DataError

from .conftest import Link, generated, write_tree


def problems(docs: Path) -> list[tuple[str, str]]:
    with pytest.raises(DataError) as raised:
        handwritten(docs)
    return [(found.path, found.code) for found in raised.value.problems]


def test_plain_files_are_read_and_hidden_ones_and_the_generated_folder_left_out(tmp_path: Path) -> None:
    docs = write_tree(tmp_path / "docs", {"index.md": "# Home\n", "a/b.css": "x{}", ".hidden": "no", "a/.x": "no"})
    (docs / "generated").mkdir()
    (docs / "generated" / "x.md").write_text("no")
    assert handwritten(docs) == {"a/b.css": b"x{}", "index.md": b"# Home\n"}


def test_links_and_special_files_under_docs_are_refused_with_their_paths(tmp_path: Path) -> None:
    secret = write_tree(tmp_path / "elsewhere", {"secret.txt": "TOKEN=123", "assets/logo.svg": "<svg/>"})
    docs = write_tree(
        tmp_path / "docs",
        {
            "index.md": "# Home\n",
            "env.txt": Link("/proc/self/environ"),
            "passwd.txt": Link("/etc/passwd"),
            "notes/secret.txt": Link(str(secret / "secret.txt")),
            "assets": Link(str(secret / "assets")),
            "zero": Link("/dev/zero"),
        },
    )
    os.mkfifo(docs / "pipe")
    shown = docs.as_posix()
    assert sorted(problems(docs)) == [
        (f"{shown}/{name}", "linked-doc")
        for name in ("assets", "env.txt", "notes/secret.txt", "passwd.txt", "pipe", "zero")
    ]


def test_a_build_with_a_linked_file_under_docs_publishes_nothing_and_says_where(
    sample_copy: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    data, docs = sample_copy
    (docs / "x.txt").symlink_to("/proc/self/environ")
    os.mkfifo(docs / "pipe")
    assert cli.main(["build", "--data", str(data), "--docs", str(docs)]) == 1
    out = capsys.readouterr().out
    assert f"{docs.as_posix()}/x.txt:1:1: 'x.txt' is a link or a special file" in out and "[linked-doc]" in out
    assert f"{docs.as_posix()}/pipe:1:1:" in out
    assert not (docs / "generated").exists()


def test_a_name_under_docs_that_is_not_utf8_is_reported_not_a_crash(
    sample_copy: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    data, docs = sample_copy
    try:
        (docs / os.fsdecode(b"caf\xe9.md")).write_text("# Caf\n")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system refuses file names that are not UTF-8")
    assert cli.main(["build", "--data", str(data), "--docs", str(docs)]) == 1
    out = capsys.readouterr().out
    assert f"{docs.as_posix()}/caf\\xe9.md:1:1: the name 'caf\\xe9.md' is not UTF-8 text" in out
    assert "[bad-file-name]" in out


def test_an_edit_in_a_folder_named_generated_below_the_top_is_a_change(sample_copy: tuple[Path, Path]) -> None:
    data, docs = sample_copy
    write_tree(docs, {"notes/generated/page.md": "# One\n"})
    pipeline.build(data, docs)
    write_tree(docs, {"notes/generated/page.md": "# Two\n"})
    assert pipeline.build(data, docs)[1] is True
    assert generated(docs)["notes/generated/page.md"] == b"# Two\n"


@pytest.mark.parametrize(
    ("path", "published"),
    [
        ("index.md", "index.html"),
        ("README.md", "index.html"),
        ("about.md", "about/index.html"),
        ("briefings/2021-08-13.md", "briefings/2021-08-13/index.html"),
        ("briefings/2021-08-13/index.md", "briefings/2021-08-13/index.html"),
        ("briefings/2021-08-13/README.md", "briefings/2021-08-13/index.html"),
        ("notes/page.markdown", "notes/page/index.html"),
        ("data/events.json", "data/events.json"),
        ("readme.md", "readme/index.html"),
    ],
)
def test_files_are_published_where_mkdocs_puts_them(path: str, published: str) -> None:
    assert published_at(path) == published


@pytest.mark.parametrize(
    ("by_hand", "made", "words"),
    [
        (["briefings/2021-08-13/index.md"], ["briefings/2021-08-13.md"], "both be published at /briefings/2021-08-13/"),
        (["x.md"], ["x.md"], "both be published at /x/"),
        ([], ["places/herat.md", "places/herat/index.md"], "both be published at /places/herat/"),
        (["notes/index.md", "notes/README.md"], [], "both be published at /notes/"),
        (["about/index.html"], ["about.md"], "both be published at /about/"),
        (["exports/events.json.md"], ["exports/events.json"], "where docs/exports/events.json.md needs a folder"),
        (["feed"], ["feed/index.md"], "where the generated feed/index.md needs a folder"),
    ],
)
def test_two_files_at_one_url_are_refused_naming_both(by_hand: list[str], made: list[str], words: str) -> None:
    with pytest.raises(ClashError, match="rename or move one of them") as raised:
        refuse_clashes(by_hand, made, Path("docs"))
    assert words in str(raised.value)
    for path in by_hand:
        assert f"docs/{path}" in str(raised.value) or len(by_hand) == 2
    for path in made:
        assert f"the generated {path}" in str(raised.value) or len(made) == 2


def test_files_at_different_urls_pass() -> None:
    refuse_clashes(["index.md", "about.md", "css/extra.css"], ["briefings/index.md", "briefings/2021-08-13.md"])


def test_a_hand_written_page_at_a_generated_page_url_stops_the_build(sample_copy: tuple[Path, Path]) -> None:
    data, docs = sample_copy
    write_tree(docs, {"briefings/2021-08-13/index.md": "# Not the briefing\n"})
    with pytest.raises(ClashError) as raised:
        pipeline.build(data, docs)
    message = str(raised.value)
    assert f"{docs.as_posix()}/briefings/2021-08-13/index.md" in message
    assert "the generated briefings/2021-08-13.md" in message
    assert not (docs / "generated").exists()

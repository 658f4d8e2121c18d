"""Files and folders made ahead for a build from nothing: the same build, nothing left behind, nothing trusted."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder import pipeline, publish, reserve
from builder.problems import DataError
from builder.write import current_build, intact, write

from .conftest import SAMPLE, build_site, generated


def made_in(folder: Path) -> tuple[list[str], list[str]]:
    """The files and the folders made ahead in `folder`, by name."""
    entries = list(folder.iterdir())
    return sorted(e.name for e in entries if e.is_file()), sorted(e.name for e in entries if e.is_dir())


def wait_for(folder: Path, files: int, folders: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found, made = made_in(folder)
        if (len(found), len(made)) == (files, folders):
            return
        time.sleep(0.01)
    raise AssertionError(f"the helper made {made_in(folder)}, not {files} files and {folders} folders")


@contextlib.contextmanager
def made_ahead(folder: Path, files: int, folders: int) -> Iterator[reserve.Ahead]:
    """A helper that has made `files` empty files and `folders` folders in the new folder `folder`."""
    folder.mkdir()
    made = reserve.Ahead(folder)
    try:
        made.expect(files, folders)
        wait_for(folder, files, folders)
        yield made
    finally:
        made.close()


@pytest.fixture
def spied(monkeypatch: pytest.MonkeyPatch) -> list[reserve.Ahead]:
    """Every `Ahead` the builder starts."""
    started: list[reserve.Ahead] = []
    original = reserve.Ahead.__init__

    def init(self: reserve.Ahead, folder: Path) -> None:
        original(self, folder)
        started.append(self)

    monkeypatch.setattr(reserve.Ahead, "__init__", init)
    return started


def test_the_helper_makes_what_it_is_asked_for_and_no_more(tmp_path: Path) -> None:
    folder = tmp_path / "ahead"
    with made_ahead(folder, 5, 2) as made:
        time.sleep(0.2)
        assert made_in(folder) == ([f"f{n}" for n in range(5)], ["d0", "d1"]), "it stops at what was asked"
        for name in made_in(folder)[0]:
            status = os.lstat(folder / name)
            assert stat.S_ISREG(status.st_mode) and status.st_size == 0 and status.st_nlink == 1
        made.expect(7, 3)
        wait_for(folder, 7, 3)
    assert made.helper.returncode is not None, "the helper is stopped"
    assert not folder.exists(), "what was not taken is removed"


def test_the_writer_fills_what_was_made_ahead_then_makes_its_own(tmp_path: Path) -> None:
    pages: dict[str, str | bytes] = {f"section-{n % 3}/page-{n}.md": f"# Page {n}\n" for n in range(12)}
    pages["index.md"] = b"# Home\n"
    target, folder = tmp_path / "generated", tmp_path / "ahead"
    with made_ahead(folder, 4, 1) as made:
        inodes = {os.lstat(folder / f"f{n}").st_ino for n in range(4)}
        # The writer asks for all 13 files and 3 folders: what the helper has not made by then, it makes itself.
        write(pages, target, made=made)
    assert made.files_taken >= 4 and made.folders_taken >= 1
    build = current_build(target)
    assert build is not None and intact(build)
    assert generated(tmp_path) == {
        path: text if isinstance(text, bytes) else text.encode() for path, text in pages.items()
    }
    files = [p for p in build.rglob("*") if p.is_file()]
    assert inodes <= {os.lstat(p).st_ino for p in files}, "the files made ahead hold pages"
    assert all(stat.S_IMODE(os.lstat(p).st_mode) == 0o444 for p in files), "read-only, like any generated file"
    assert not folder.exists()


@contextlib.contextmanager
def without_ahead() -> Iterator[None]:
    yield None


def test_a_build_from_nothing_is_the_same_with_files_made_ahead(
    sample_copy: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spied: list[reserve.Ahead]
) -> None:
    data, docs = sample_copy
    pipeline.build(data, docs)
    [made] = spied
    assert made.helper.returncode is not None, "the helper is stopped when the build ends"
    assert not [entry.name for entry in (docs / ".generated").iterdir() if entry.name.startswith("ahead-")]
    plain = tmp_path / "plain"
    plain.mkdir()
    monkeypatch.setattr(pipeline, "ahead", lambda target: without_ahead())
    pipeline.build(data, plain)
    assert generated(docs) == generated(plain)
    built = current_build(docs / "generated")
    assert built is not None and built.name == current_build(plain / "generated").name  # type: ignore[union-attr]
    # A build with a build to update makes nothing ahead: it links what did not change.
    event = sorted((data / "events").iterdir())[0]
    event.write_text(event.read_text(encoding="utf-8").replace("title: ", "title: Revised ", 1), encoding="utf-8")
    monkeypatch.undo()
    pipeline.build(data, docs)
    assert len(spied) == 1


def test_a_build_with_problems_stops_the_helper_and_leaves_nothing_made_ahead(
    sample_copy: tuple[Path, Path], spied: list[reserve.Ahead]
) -> None:
    data, docs = sample_copy
    (data / "events" / "broken.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataError):
        pipeline.build(data, docs)
    [made] = spied
    assert made.helper.returncode is not None
    assert [entry.name for entry in (docs / ".generated").iterdir()] == []


@pytest.mark.parametrize("planted", ["link", "full", "second name"])
def test_an_entry_made_ahead_is_filled_only_when_it_is_the_empty_file_made_for_it(tmp_path: Path, planted: str) -> None:
    target, folder = tmp_path / "generated", tmp_path / "ahead"
    write({"index.md": "# Old\n"}, target)
    outside = tmp_path / "outside.txt"
    outside.write_text("not the builder's")
    with made_ahead(folder, 1, 0) as made:
        entry = folder / "f0"
        entry.unlink()
        if planted == "link":
            entry.symlink_to(outside)
        elif planted == "full":
            entry.write_text("something")
        else:
            os.link(outside, entry)
        with pytest.raises(OSError):
            write({"index.md": "# New\n", "more.md": "# More\n"}, target, made=made)
    assert outside.read_text() == "not the builder's"
    assert generated(tmp_path) == {"index.md": b"# Old\n"}, "the previous pages stay whole"
    assert not [p for p in (tmp_path / ".generated").iterdir() if p.name.startswith("tmp-")]


def test_a_writer_whose_helper_is_gone_makes_everything_itself(tmp_path: Path) -> None:
    folder = tmp_path / "ahead"
    folder.mkdir()
    made = reserve.Ahead(folder)
    made.close()
    made.expect(3, 1)  # too late: nothing is made, nothing is raised
    target = tmp_path / "generated"
    folder.mkdir()
    write({"a/index.md": "# A\n", "b.md": "# B\n"}, target, made=made)
    assert generated(tmp_path) == {"a/index.md": b"# A\n", "b.md": b"# B\n"}
    assert made.files_taken == 0 and made.folders_taken == 0


def test_a_site_laid_out_in_folders_made_ahead_is_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spied: list[reserve.Ahead]
) -> None:
    data = tmp_path / "briefings"
    shutil.copytree(SAMPLE, data)
    site = build_site(data, tmp_path / "ahead")
    [_, made] = spied  # the builder's, then the site's
    assert made.helper.returncode is not None
    assert not [entry.name for entry in site.parent.iterdir() if ".ahead-" in entry.name]
    monkeypatch.setattr(publish, "ahead_in", lambda folder: without_ahead())
    plain = build_site(data, tmp_path / "plain")
    assert files_in(site) == files_in(plain)


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("planted", ["link", "full"])
def test_a_folder_made_ahead_is_used_only_when_it_is_the_empty_folder_made_for_it(tmp_path: Path, planted: str) -> None:
    target, folder = tmp_path / "generated", tmp_path / "ahead"
    write({"index.md": "# Old\n"}, target)
    outside = tmp_path / "outside"
    outside.mkdir()
    with made_ahead(folder, 0, 1) as made:
        entry = folder / "d0"
        entry.rmdir()
        if planted == "link":
            entry.symlink_to(outside)
        else:
            entry.mkdir()
            (entry / "stray.md").write_text("not the builder's")
        with pytest.raises(OSError, match="not the empty folder"):
            write({"index.md": "# New\n", "section/page.md": "# Page\n"}, target, made=made)
    assert list(outside.iterdir()) == [], "nothing is written through a planted link"
    assert generated(tmp_path) == {"index.md": b"# Old\n"}, "the previous pages stay whole"


def test_a_helper_that_cannot_start_leaves_the_build_to_make_everything(tmp_path: Path) -> None:
    missing = tmp_path / "no such folder" / "ahead"
    with reserve.ahead_in(missing) as made:
        assert made is None
    assert not missing.exists()

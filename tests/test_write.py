"""Writing: all or nothing, only inside the generated folder, and nothing rewritten needlessly."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder import pipeline
from builder import write as writer
from builder.write import WriteError, Written, current_build, intact, write

from .conftest import generated


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def builds(store: Path) -> list[Path]:
    """The builds in the writer's store (beside each build it links to lies the record of its files)."""
    return [entry for entry in store.iterdir() if entry.is_dir()]


PAGES: dict[str, str | bytes] = {"index.md": "# Home\n", "briefings/2021-08-13.md": "# 13 August\n", "a.css": b"x{}"}


def test_the_generated_folder_holds_exactly_the_pages(tmp_path: Path) -> None:
    target = tmp_path / "docs" / "generated"
    assert write(PAGES, target) is True
    assert target.is_symlink()
    assert tree(target) == {"a.css": b"x{}", "briefings/2021-08-13.md": b"# 13 August\n", "index.md": b"# Home\n"}


def test_an_identical_build_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "generated"
    write(PAGES, target)
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in target.resolve().rglob("*")}
    assert write(dict(PAGES), target) is False
    after = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in target.resolve().rglob("*")}
    assert before == after


def test_unchanged_pages_keep_their_file_and_deleted_pages_disappear(tmp_path: Path) -> None:
    target = tmp_path / "generated"
    write(PAGES, target)
    kept = (target / "index.md").stat()
    changed = {**PAGES, "briefings/2021-08-13.md": "# 13 August, revised\n"}
    del changed["a.css"]
    assert write(changed, target) is True
    assert (target / "index.md").stat().st_ino == kept.st_ino
    assert (target / "index.md").stat().st_mtime_ns == kept.st_mtime_ns
    assert tree(target) == {"briefings/2021-08-13.md": b"# 13 August, revised\n", "index.md": b"# Home\n"}
    assert len(builds(tmp_path / ".generated")) == 1, "old builds are cleaned up"


def test_a_writer_that_remembers_updates_its_spare_build_and_never_the_live_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A relative target, as `briefings build` writes docs/generated.
    monkeypatch.chdir(tmp_path)
    target, known = Path("generated"), Written()
    versions: list[dict[str, str | bytes]] = [
        PAGES,
        {**PAGES, "index.md": "# Home, two\n", "places/herat.md": "# Herat\n"},
        {**PAGES, "index.md": "# Home, three\n", "places/herat/2020.md": "# 2020\n"},
        {"index.md": "# Home, three\n", "a.css": b"x{}"},
        PAGES,
    ]
    for number, pages in enumerate(versions):
        live_before = tree(target) if number else {}
        write(pages, target, known)
        assert tree(target) == {path: c.encode() if isinstance(c, str) else c for path, c in pages.items()}
        empty = [folder for folder in target.resolve().rglob("*") if folder.is_dir() and not any(folder.iterdir())]
        assert empty == [], "a fresh build has no empty folders, nor may an updated one"
        if number:
            kept = builds(tmp_path / ".generated")
            assert len(kept) == 2, "the live build and the spare"
            spare = next(build for build in kept if build.name != target.resolve().name)
            assert tree(spare) == live_before, "the previous build is kept whole, as the next spare"
    unchanged = (target / "a.css").stat()
    write({**PAGES, "index.md": "# Home, six\n"}, target, known)
    assert (target / "a.css").stat().st_ino == unchanged.st_ino, "an unchanged page stays the same file"
    assert len(builds(tmp_path / ".generated")) == 2


def test_a_writer_that_remembers_starts_with_a_spare(tmp_path: Path) -> None:
    target = tmp_path / "generated"
    write(PAGES, target)
    known = Written()
    assert write(dict(PAGES), target, known) is False
    assert len(builds(tmp_path / ".generated")) == 2, "the live build and a spare of links to it"
    live = target.resolve()
    write({**PAGES, "index.md": "# Home, two\n"}, target, known)
    assert tree(target)["index.md"] == b"# Home, two\n"
    assert (live / "index.md").read_bytes() == b"# Home\n", "the build that was live is untouched"


def test_the_live_build_is_never_taken_for_the_spare(tmp_path: Path) -> None:
    target, known = tmp_path / "generated", Written()
    write(PAGES, target, known)
    write({**PAGES, "index.md": "# Two\n"}, target, known)
    live = target.resolve()
    known.spare = live.name  # as if another writer had made the spare's build live again
    write({**PAGES, "index.md": "# Three\n"}, target, known)
    assert live.is_dir() and (live / "index.md").read_bytes() == b"# Two\n"
    assert tree(target)["index.md"] == b"# Three\n"


def test_a_failed_spare_update_is_not_trusted_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target, known = tmp_path / "generated", Written()
    write(PAGES, target, known)
    write({**PAGES, "index.md": "# Two\n"}, target, known)
    live = tree(target)

    def failing(path: Path, content: bytes) -> tuple[int, int, int]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "created", failing)
    with pytest.raises(OSError):
        write({**PAGES, "index.md": "# Three\n"}, target, known)
    assert tree(target) == live
    monkeypatch.undo()
    write({**PAGES, "index.md": "# Four\n"}, target, known)
    assert tree(target)["index.md"] == b"# Four\n" and tree(target)["a.css"] == b"x{}"


@pytest.mark.parametrize(
    "path", ["../escape.md", "/etc/passwd", "a/../../b.md", "a\\b.md", ".hidden/x.md", "", "a//b.md", "x/./y.md", "~/x"]
)
def test_no_path_can_leave_the_generated_folder(tmp_path: Path, path: str) -> None:
    target = tmp_path / "site" / "generated"
    write(PAGES, target)
    before = tree(tmp_path)
    with pytest.raises(WriteError):
        write({**PAGES, path: "owned"}, target)
    assert tree(tmp_path) == before


def test_a_failure_midway_leaves_the_previous_pages_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "generated"
    write(PAGES, target)
    before = tree(target)
    calls = 0
    original = writer.created

    def failing(path: Path, content: bytes) -> tuple[int, int, int]:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError(28, "No space left on device")
        return original(path, content)

    monkeypatch.setattr(writer, "created", failing)
    with pytest.raises(OSError):
        write({path: f"new {path}" for path in PAGES}, target)
    assert tree(target) == before
    assert not [entry for entry in (tmp_path / ".generated").iterdir() if entry.name.startswith("tmp-")], (
        "a failed build is removed at once: failures cannot fill the disk"
    )
    monkeypatch.undo()
    write({**PAGES, "new.md": "# New\n"}, target)
    assert len(builds(tmp_path / ".generated")) == 1


WRITER = """
import sys, time
from pathlib import Path
from builder import write as writer
original = writer.created
def slow(path, content):
    time.sleep(0.05)
    return original(path, content)
writer.created = slow
print("started", flush=True)
writer.write({f"page-{n}.md": f"new {n}" for n in range(400)}, Path(sys.argv[1]))
"""


def test_a_kill_midway_leaves_the_previous_pages_whole(tmp_path: Path) -> None:
    target = tmp_path / "generated"
    write({f"page-{n}.md": f"old {n}" for n in range(400)}, target)
    before = tree(target)
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == b"started"
    staging = tmp_path / ".generated"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(p.name.startswith("tmp-") for p in staging.iterdir()):
        time.sleep(0.02)
    time.sleep(0.3)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert any(p.name.startswith("tmp-") for p in staging.iterdir()), "the kill landed while writing"
    assert tree(target) == before
    write({"index.md": "# after\n"}, target)
    assert tree(target) == {"index.md": b"# after\n"}
    assert len(builds(staging)) == 1


def test_a_real_folder_in_the_way_is_adopted_not_lost(tmp_path: Path) -> None:
    target = tmp_path / "generated"
    target.mkdir()
    (target / "old.md").write_text("old")
    write(PAGES, target)
    assert target.is_symlink() and sorted(tree(target)) == sorted(PAGES)


# --- nothing but the writer's own ------------------------------------------------------------------


def outside(root: Path) -> dict[str, bytes]:
    """A folder that is not the writer's, with files that must survive every write."""
    write_files = {"project/keep.txt": b"keep", "project/deep/file.txt": b"deep", "notes.txt": b"notes"}
    for name, content in write_files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    return tree(root)


def test_a_linked_store_is_refused_and_nothing_it_points_at_is_deleted(tmp_path: Path) -> None:
    home = tmp_path / "home"
    docs = home / "repo" / "docs"
    docs.mkdir(parents=True)
    before = outside(home)
    # As a pull request can commit it: the store a link to the folder holding the repository.
    (docs / ".generated").symlink_to("../..")
    with pytest.raises(WriteError, match=r"\.generated is a link .*delete it"):
        write(PAGES, docs / "generated")
    assert tree(home) == before
    assert sorted(p.name for p in home.iterdir()) == ["notes.txt", "project", "repo"]


@pytest.mark.parametrize("link", ["/", "..", "../..", ".generated/../..", ".generated/not-a-build", "elsewhere"])
def test_a_generated_folder_linked_elsewhere_is_refused_not_followed(tmp_path: Path, link: str) -> None:
    docs = tmp_path / "repo" / "docs"
    docs.mkdir(parents=True)
    (docs / "elsewhere").mkdir()
    (docs / "elsewhere" / "index.md").write_text("mine")
    before = outside(tmp_path)
    (docs / "generated").symlink_to(link)
    with pytest.raises(WriteError, match=f"is a link to {link!r}, not to one of the builder's builds.*rm "):
        write(PAGES, docs / "generated")
    assert os.readlink(docs / "generated") == link, "the link is left for the reader to look at"
    assert tree(tmp_path) == before
    assert not (docs / ".generated").exists() or not list((docs / ".generated").iterdir())


def test_a_build_in_the_store_that_is_a_link_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "repo" / "generated"
    write(PAGES, target)
    build = target.resolve()
    shutil.rmtree(build)
    before = outside(tmp_path / "elsewhere")
    build.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(WriteError, match="is a link, not a build"):
        write({**PAGES, "index.md": "# Two\n"}, target)
    assert tree(tmp_path / "elsewhere") == before


def test_a_build_through_a_foreign_link_is_refused_before_any_work(sample_copy: tuple[Path, Path]) -> None:
    data, docs = sample_copy
    (docs / "generated").symlink_to("/")
    with pytest.raises(WriteError, match="rm "):
        pipeline.build(data, docs)
    assert os.readlink(docs / "generated") == "/"


def test_the_writer_removes_only_entries_it_named(tmp_path: Path) -> None:
    target = tmp_path / "generated"
    store = tmp_path / ".generated"
    write(PAGES, target)
    foreign = outside(tmp_path / "elsewhere")
    (store / "notes.txt").write_text("mine")
    (store / "my-folder").mkdir()
    (store / "my-folder" / "x").write_text("mine")
    (store / "0123456789abcdef").mkdir()
    # Named as a build of the writer's, but a link: removed as a link, never followed.
    (store / "abcdefabcdefabcdefab").symlink_to(tmp_path / "elsewhere")
    (store / "tmp-abcdefabcdefabcdef00-123").mkdir()
    # What a killed build's helper made ahead (`reserve`).
    (store / "ahead-123").mkdir()
    (store / "ahead-123" / "f0").write_bytes(b"")
    write({**PAGES, "index.md": "# Two\n"}, target)
    names = sorted(entry.name for entry in store.iterdir())
    live = target.resolve().name
    assert names == sorted(["0123456789abcdef", "my-folder", "notes.txt", live, f"{live}.files"])
    assert (store / "my-folder" / "x").read_text() == "mine"
    assert tree(tmp_path / "elsewhere") == foreign


# --- unchanged only when verified --------------------------------------------------------------------


def edit_by_hand(file: Path, text: bytes) -> None:
    """Edit a generated file in place, as an editor would after making it writable."""
    os.chmod(file, 0o644)
    time.sleep(0.01)
    with open(file, "r+b") as stream:
        stream.truncate()
        stream.write(text)


HAND_EDITS = {
    "edited": lambda build: edit_by_hand(build / "index.md", b"# Hacked\n"),
    "edited, same size": lambda build: edit_by_hand(build / "index.md", b"# Hom!\n"),
    "replaced": lambda build: ((build / "index.md").unlink(), (build / "index.md").write_bytes(b"# Home\n!")),
    "added": lambda build: (build / "extra.md").write_text("# Extra\n"),
    "removed": lambda build: (build / "a.css").unlink(),
    "linked": lambda build: ((build / "a.css").unlink(), (build / "a.css").symlink_to("/etc/hostname")),
}


@pytest.mark.parametrize("remembered", [False, True], ids=["one-off", "remembering"])
@pytest.mark.parametrize("edit", sorted(HAND_EDITS))
def test_a_generated_file_changed_by_hand_does_not_survive_the_next_write(
    tmp_path: Path, edit: str, remembered: bool
) -> None:
    target = tmp_path / "generated"
    known = Written() if remembered else None
    write(PAGES, target, known)
    write(PAGES, target, known)
    HAND_EDITS[edit](target.resolve())
    assert not intact(target.resolve(), known)
    assert write(dict(PAGES), target, known) is True
    assert tree(target) == {path: c.encode() if isinstance(c, str) else c for path, c in PAGES.items()}
    assert not (target / "a.css").is_symlink()
    assert intact(target.resolve(), known)
    assert write(dict(PAGES), target, known) is False
    assert len(builds(tmp_path / ".generated")) == (2 if remembered else 1)


def test_an_edit_shared_with_the_spare_is_not_carried_into_the_next_build(tmp_path: Path) -> None:
    target, known = tmp_path / "generated", Written()
    write(PAGES, target, known)
    write({**PAGES, "index.md": "# Two\n"}, target, known)
    # The spare's a.css is the same file as the live one's: an edit in place changes both.
    edit_by_hand(target / "a.css", b"x{color:red}")
    write({**PAGES, "index.md": "# Three\n"}, target, known)
    assert tree(target)["a.css"] == b"x{}"


def test_a_file_edited_under_docs_generated_is_rebuilt_even_when_the_inputs_did_not_change(
    sample_copy: tuple[Path, Path],
) -> None:
    data, docs = sample_copy
    pipeline.build(data, docs)
    cold = generated(docs)
    edit_by_hand(docs / "generated" / "index.md", b"<script>alert(1)</script>\n")
    (docs / "generated" / "briefings" / "extra.md").write_text("# Not from the data\n")
    assert pipeline.build(data, docs)[1] is True
    assert generated(docs) == cold


def test_an_unchanged_build_is_verified_without_reading_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "generated"
    write(PAGES, target)
    read: list[object] = []
    real = hashlib.file_digest

    def counting(stream: object, digest: str) -> object:
        read.append(stream)
        return real(stream, digest)  # type: ignore[arg-type]

    monkeypatch.setattr(hashlib, "file_digest", counting)
    page_read = Path.read_bytes

    def not_a_page(self: Path) -> bytes:
        assert self.suffix == ".files", f"read {self}"
        return page_read(self)

    monkeypatch.setattr(Path, "read_bytes", not_a_page)
    assert intact(target.resolve()) and write(dict(PAGES), target) is False
    assert read == []
    os.utime(target / "index.md", ns=(0, 0))
    assert intact(target.resolve())
    assert len(read) == 1, "only the file whose time changed is read, and found the same"


def test_generated_files_are_read_only_and_builds_can_still_be_replaced_and_removed(tmp_path: Path) -> None:
    target, known = tmp_path / "generated", Written()
    for number in range(4):
        write({**PAGES, "index.md": f"# Home {number}\n", f"page-{number}.md": "x"}, target, known)
        files = [p for p in (tmp_path / ".generated").rglob("*") if p.is_file() and not p.name.endswith(".files")]
        assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o444 for p in files)
        folders = [p for p in (tmp_path / ".generated").rglob("*") if p.is_dir()]
        assert all(p.stat().st_mode & 0o200 for p in folders), "folders stay writable"
    assert tree(target)["index.md"] == b"# Home 3\n"
    shutil.rmtree(tmp_path / ".generated")
    assert not (tmp_path / ".generated").exists()


def test_generated_files_are_read_only_for_everyone_whatever_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "generated"
    before = os.umask(0o077)
    try:
        write(PAGES, target)
    finally:
        os.umask(before)
    files = [p for p in target.resolve().rglob("*") if p.is_file()]
    assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o444 for p in files)
    assert tree(target) == {
        path: content.encode() if isinstance(content, str) else content for path, content in PAGES.items()
    }


def test_the_store_keeps_one_record_per_build_it_keeps(tmp_path: Path) -> None:
    target, known = tmp_path / "generated", Written()
    for number in range(5):
        write({**PAGES, "index.md": f"# Home {number}\n"}, target, known)
    store = tmp_path / ".generated"
    records = sorted(entry.name for entry in store.iterdir() if entry.is_file())
    assert f"{target.resolve().name}.files" in records
    assert all(record.removesuffix(".files") in {b.name for b in builds(store)} for record in records)
    assert current_build(target) == target.resolve()

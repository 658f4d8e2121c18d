"""Writing: all or nothing, only inside the generated folder, and nothing rewritten needlessly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder.write import WriteError, Written, write


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


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
    assert len(list((tmp_path / ".generated").iterdir())) == 1, "old builds are cleaned up"


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
            builds = list((tmp_path / ".generated").iterdir())
            assert len(builds) == 2, "the live build and the spare"
            spare = next(build for build in builds if build.name != target.resolve().name)
            assert tree(spare) == live_before, "the previous build is kept whole, as the next spare"
    unchanged = (target / "a.css").stat()
    write({**PAGES, "index.md": "# Home, six\n"}, target, known)
    assert (target / "a.css").stat().st_ino == unchanged.st_ino, "an unchanged page stays the same file"
    assert len(list((tmp_path / ".generated").iterdir())) == 2


def test_a_writer_that_remembers_starts_with_a_spare(tmp_path: Path) -> None:
    target = tmp_path / "generated"
    write(PAGES, target)
    known = Written()
    assert write(dict(PAGES), target, known) is False
    assert len(list((tmp_path / ".generated").iterdir())) == 2, "the live build and a spare of links to it"
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
    original = Path.write_bytes

    def failing(self: Path, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(OSError):
        write({**PAGES, "index.md": "# Three\n"}, target, known)
    assert tree(target) == live
    monkeypatch.setattr(Path, "write_bytes", original)
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
    original = Path.write_bytes

    def failing(self: Path, data: bytes) -> int:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError(28, "No space left on device")
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(OSError):
        write({path: f"new {path}" for path in PAGES}, target)
    assert tree(target) == before
    monkeypatch.undo()
    write({**PAGES, "new.md": "# New\n"}, target)
    assert len(list((tmp_path / ".generated").iterdir())) == 1, "the next run cleans up the half-written build"


WRITER = """
import sys, time
from pathlib import Path
from builder.write import write
original = Path.write_bytes
def slow(self, data):
    time.sleep(0.05)
    return original(self, data)
Path.write_bytes = slow
print("started", flush=True)
write({f"page-{n}.md": f"new {n}" for n in range(400)}, Path(sys.argv[1]))
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
    assert len(list(staging.iterdir())) == 1


def test_a_real_folder_in_the_way_is_adopted_not_lost(tmp_path: Path) -> None:
    target = tmp_path / "generated"
    target.mkdir()
    (target / "old.md").write_text("old")
    write(PAGES, target)
    assert target.is_symlink() and sorted(tree(target)) == sorted(PAGES)

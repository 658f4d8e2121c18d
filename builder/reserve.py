"""Empty files and folders made ahead for a build from nothing, on the core the build leaves idle.

A build from nothing creates every file and folder of its pages: about 2,500 on a site of 2,000
pages. Each is a new inode, which some file systems make slowly: from 0.02 ms to 0.9 ms each on
the same disk, from one minute to the next, nearly all of it the kernel's work on the calling
core. Meanwhile the build checks and derives for a second or more on one core, leaving the other
idle. So a helper process, at the lowest priority, makes empty files and folders in a folder of
the writer's store, and the writer renames them into place and fills them (`Ahead.file`,
`Ahead.folder`), making its own whenever the helper has not got that far. A rename is atomic:
an entry is taken whole or not at all, so the two never need to wait for each other.

The helper is a process rather than a thread, so the build still forks its workers safely. It
makes only what it was asked for (`Ahead.expect`), and what is left is removed on `close`.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

# Run with `python -I -S`: nothing but the standard library, no site packages, no environment.
# Folders are kept in step with files, so the writer finds a page's folder made as often as its file.
_HELPER = r"""
import os, select, sys
os.nice(19)
# Nothing until asked (`Ahead.expect`).
folder, files, folders = sys.argv[1], 0, 0
made_files = made_folders = 0
pending = b""
while True:
    behind = made_files < files or made_folders < folders
    if select.select([0], [], [], 0 if behind else None)[0]:
        chunk = os.read(0, 4096)
        if not chunk:
            break
        *lines, pending = (pending + chunk).split(b"\n")
        for line in lines:
            files, folders = (int(number) for number in line.split())
    elif made_folders < folders and (made_files >= files or made_folders * files <= made_files * folders):
        os.mkdir(os.path.join(folder, "d%d" % made_folders))
        made_folders += 1
    elif made_files < files:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        os.close(os.open(os.path.join(folder, "f%d" % made_files), flags, 0o600))
        made_files += 1
"""


class Ahead:
    """A helper making empty files (`f0`, `f1`, ...) and folders (`d0`, ...) in `folder`, which must be new
    and empty, and the writer's side: the next of each, renamed into place when the helper has made it."""

    def __init__(self, folder: Path) -> None:
        self.location = folder
        self.files_taken = self.folders_taken = 0
        command = [sys.executable, "-I", "-S", "-c", _HELPER, str(folder)]
        self.helper = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def expect(self, files: int, folders: int) -> None:
        """Have the helper make this many files and folders in all (or stop at what it has made)."""
        if self.helper.stdin is None or self.helper.stdin.closed:
            return
        try:
            self.helper.stdin.write(f"{files} {folders}\n".encode())
            self.helper.stdin.flush()
        except OSError:
            pass  # the helper is gone: the writer makes everything itself

    def file(self, destination: str | Path) -> bool:
        """Move the next empty file made ahead to `destination` (where nothing is); False when none is ready."""
        if not self._take(f"f{self.files_taken}", destination):
            return False
        self.files_taken += 1
        return True

    def folder(self, destination: str | Path) -> bool:
        """Move the next empty folder made ahead to `destination` (where nothing is); False when none is ready.

        Raises OSError, leaving it there, when what was taken is not the empty folder the helper made.
        """
        if not self._take(f"d{self.folders_taken}", destination):
            return False
        self.folders_taken += 1
        status = os.lstat(destination)
        if not stat.S_ISDIR(status.st_mode) or os.listdir(destination):
            raise OSError(f"{destination} is not the empty folder made for it")
        return True

    def _take(self, name: str, destination: str | Path) -> bool:
        # A rename would replace what is there: something already at `destination` is left to the caller,
        # whose own way of making it refuses it (a page named twice, say, on a file system blind to case).
        if os.path.lexists(destination):
            return False
        try:
            os.rename(f"{self.location}/{name}", destination)
        except FileNotFoundError:
            return False
        return True

    def close(self) -> None:
        """Stop the helper and remove whatever it made that was not taken."""
        self.helper.kill()
        self.helper.wait()
        if self.helper.stdin is not None:
            with suppress(OSError):
                self.helper.stdin.close()
        shutil.rmtree(self.location, ignore_errors=True)


@contextmanager
def ahead_in(folder: Path) -> Iterator[Ahead | None]:
    """A helper making files and folders ahead in `folder`, a name of the caller's own for them (anything there
    is removed first), stopped and its leftovers removed at the end; None when it cannot start (its folder
    cannot be made, say), and the caller makes everything itself."""
    try:
        if folder.is_symlink() or folder.is_file():
            folder.unlink()
        elif folder.exists():
            shutil.rmtree(folder)
        folder.mkdir()
        made = Ahead(folder)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        yield None
        return
    try:
        yield made
    finally:
        made.close()


def folders_of(paths: Iterable[str]) -> set[str]:
    """Every folder that the relative paths `paths` lie in, with its parents."""
    folders: set[str] = set()
    for path in paths:
        folder = os.path.dirname(path)
        while folder and folder not in folders:
            folders.add(folder)
            folder = os.path.dirname(folder)
    return folders


def make_folder(folder: str, made: set[str], ahead: Ahead | None) -> None:
    """Make `folder`, and any parent of it not in `made` (the folders known to exist), taking those made ahead."""
    parent = os.path.dirname(folder)
    if folder in made or parent == folder:
        return
    make_folder(parent, made, ahead)
    if ahead is None or not ahead.folder(folder):
        try:
            os.mkdir(folder)
        except FileExistsError:
            # Made already, under a name this file system takes for the same (it ignores case, say): a real
            # folder only, never a link.
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                raise
    made.add(folder)

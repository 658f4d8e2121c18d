"""What the builder keeps between runs: the parse cache and the stamp of the last build.

Both live in the user's cache folder (`BRIEFINGS_CACHE`, else `$XDG_CACHE_HOME/briefings`, else
`~/.cache/briefings`), one folder per site, never in the repository: a pull request can add any file
to the repository, and must not be able to hand the builder a parse or a stamp of its own making.
Each site's folder holds a random key, readable by its owner alone, and everything saved there
carries an HMAC made with it: anything that cannot be read, was written by another version of the
loader, or fails its HMAC is ignored, and the build simply does the work again.

The cache only saves time. When its folder cannot be read or written (read-only, full), the build
goes on without it and says so through the `briefings` logger. Clean-up only ever removes folders
that carry this builder's tag, whatever else shares the cache folder.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import shutil
import stat
import time
from pathlib import Path
from typing import Any

import yaml

from . import load

PARSED = "parsed.json"
STAMP = "last-build.json"
KEY = "key"
# The cache directory tag (https://bford.info/cachedir/): backup tools skip the folder, and its exact
# text marks the folder as one this builder made, the only kind its clean-up removes.
TAG = "CACHEDIR.TAG"
_TAG_TEXT = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by briefings: the parse cache and stamp of one site.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
_FORMAT = "briefings parse cache 2"
_KEY_BYTES = 32
# A site not built for this long has moved or gone: its folder is removed when another site saves.
UNUSED_DAYS = 30

log = logging.getLogger("briefings")


def folder(docs: Path) -> Path:
    """The cache folder of the site whose pages go under `docs`."""
    base = os.environ.get("BRIEFINGS_CACHE") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "briefings"
    )
    return Path(base, _site_name(docs))


def _site_name(docs: Path) -> str:
    return hashlib.sha256(str(docs.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]


def _loader_version() -> str:
    # What a file loads to depends on the loader's code and on libyaml: a change to either is a new cache.
    digest = hashlib.sha256(Path(load.__file__).read_bytes())
    digest.update(yaml.__version__.encode())
    return digest.hexdigest()


def _plain(value: Any) -> bool:
    """Whether `value` is something the loader can produce: text, nothing, lists and text-keyed mappings."""
    if value is None or isinstance(value, str):
        return True
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and _plain(item) for key, item in value.items())
    return False


def _warn(what: str, path: Path, error: OSError) -> None:
    log.warning("cannot %s %s (%s); the build continues without the cache", what, path, error.strerror or error)


def _mac(key: bytes, *parts: bytes) -> str:
    return hmac.new(key, b"\0".join(parts), hashlib.sha256).hexdigest()


def _read_key(site: Path) -> bytes | None:
    """The site's key, when it is a plain file of the right size that only its owner, this user, can read."""
    try:
        descriptor = os.open(site / KEY, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(descriptor)
        private = status.st_uid == os.geteuid() and not status.st_mode & 0o077
        if not stat.S_ISREG(status.st_mode) or not private or status.st_size != _KEY_BYTES:
            return None
        key = stream.read(_KEY_BYTES + 1)
    return key if len(key) == _KEY_BYTES else None


def _made_key(site: Path) -> bytes:
    """The site's key, made now when there is none; OSError when it cannot be."""
    key = _read_key(site)
    if key is not None:
        return key
    fresh = site / f"{KEY}.{os.getpid()}"
    fresh.unlink(missing_ok=True)
    descriptor = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(secrets.token_bytes(_KEY_BYTES))
        # A link, unlike a rename, never replaces a key another process made meanwhile: the first one stays.
        try:
            os.link(fresh, site / KEY)
        except FileExistsError:
            # Only a key this user alone can read is trusted; any other is replaced.
            if _read_key(site) is None:
                os.replace(fresh, site / KEY)
    finally:
        fresh.unlink(missing_ok=True)
    key = _read_key(site)
    if key is None:
        raise PermissionError(1, "the key cannot be kept private", str(site / KEY))
    return key


def _prepared(site: Path) -> bytes:
    """Make the site's folder, tagged as this builder's, and return its key; OSError when it cannot be."""
    site.mkdir(mode=0o700, parents=True, exist_ok=True)
    tag = site / TAG
    if not tag.is_file():
        write_atomically(tag, _TAG_TEXT.encode())
    return _made_key(site)


class ParseCache:
    """Loaded data by the SHA-256 of the file's bytes, so a rebuild parses only the files that changed."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.stored: dict[str, Any] = {}
        self.used: dict[str, dict[str, Any]] = {}

    @classmethod
    def open(cls, path: Path) -> ParseCache:
        """The cache stored at `path`; empty when there is none, or it is damaged, forged or not this loader's."""
        cache = cls(path)
        try:
            raw = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            # None yet; a folder that cannot be made is reported when the cache is saved.
            return cache
        except OSError as error:
            _warn("read the parse cache", path, error)
            return cache
        key = _read_key(path.parent)
        header, _, body = raw.partition(b"\n")
        try:
            meta = json.loads(header)
            if key is None or not isinstance(meta, dict) or meta.get("format") != _FORMAT:
                return cache
            loader = _loader_version()
            mac = _mac(key, _FORMAT.encode(), loader.encode(), body)
            if meta.get("loader") == loader and hmac.compare_digest(str(meta.get("mac")), mac):
                entries = json.loads(body)
                cache.stored = entries if isinstance(entries, dict) else {}
        except ValueError:
            pass
        return cache

    @staticmethod
    def key(raw: bytes) -> str:
        return hashlib.sha256(raw).hexdigest()

    def get(self, key: str) -> dict[str, Any] | None:
        """The data the file with this key loaded to, if it loaded cleanly before."""
        data = self.stored.get(key)
        if not isinstance(data, dict) or not _plain(data):
            return None
        self.used[key] = data
        return data

    def put(self, key: str, data: dict[str, Any]) -> None:
        self.used[key] = data

    def begin(self) -> None:
        """Start another build with this cache: what the last one used can be found again."""
        self.stored.update(self.used)
        self.used = {}

    def save(self) -> None:
        """Store what this build used, and only that, when it differs from what was stored.

        A cache that cannot be saved is a warning, never a failed build.
        """
        if self.path is None or self.used.keys() == self.stored.keys():
            return
        body = json.dumps(self.used, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            key = _prepared(self.path.parent)
            loader = _loader_version()
            header = {"format": _FORMAT, "loader": loader, "mac": _mac(key, _FORMAT.encode(), loader.encode(), body)}
            write_atomically(self.path, json.dumps(header).encode() + b"\n" + body)
        except OSError as error:
            _warn("save the parse cache", self.path, error)
            return
        forget_unused(self.path.parent)


_STAMP_FIELDS = ("inputs", "build", "pages")


def _stamp_body(stamp: dict[str, object]) -> bytes:
    return json.dumps([stamp[name] for name in _STAMP_FIELDS]).encode("utf-8")


def read_stamp(path: Path) -> dict[str, object] | None:
    """The stamp of the last build, or None when it cannot be read or is not ours."""
    try:
        stamp = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    key = _read_key(path.parent)
    if key is None or not isinstance(stamp, dict) or set(stamp) != {*_STAMP_FIELDS, "mac"}:
        return None
    if not hmac.compare_digest(str(stamp["mac"]), _mac(key, _stamp_body(stamp))):
        return None
    return {name: stamp[name] for name in _STAMP_FIELDS}


def write_stamp(path: Path, stamp: dict[str, object]) -> None:
    """Save the stamp of the build just made; a stamp that cannot be saved is a warning."""
    try:
        key = _prepared(path.parent)
        signed = {**{name: stamp[name] for name in _STAMP_FIELDS}, "mac": _mac(key, _stamp_body(stamp))}
        write_atomically(path, json.dumps(signed).encode("utf-8"))
    except OSError as error:
        _warn("save the stamp of this build in", path, error)


def forget_unused(site: Path) -> None:
    """Remove the cache folders of other sites that have not been built for UNUSED_DAYS.

    Only folders this builder made (named as it names them, holding its tag) are ever removed:
    the cache folder may be shared with other tools.
    """
    cutoff = time.time() - UNUSED_DAYS * 86_400
    try:
        for other in site.parent.iterdir():
            if other == site or len(other.name) != 16 or other.name.strip("0123456789abcdef"):
                continue
            if other.is_symlink() or not other.is_dir() or other.stat().st_mtime >= cutoff:
                continue
            if _tagged(other):
                shutil.rmtree(other, ignore_errors=True)
    except OSError:
        pass


def _tagged(site: Path) -> bool:
    tag = site / TAG
    try:
        return not tag.is_symlink() and tag.read_bytes() == _TAG_TEXT.encode()
    except OSError:
        return False


def sign(site: Path, *parts: bytes) -> str:
    """An HMAC of `parts` with the site's key, made now if there is none; OSError when it cannot be."""
    return _mac(_prepared(site), *parts)


def signed_by(site: Path, mac: object, *parts: bytes) -> bool:
    """Whether `mac` is the HMAC of `parts` with the site's own key (False when there is no key)."""
    key = _read_key(site)
    return key is not None and hmac.compare_digest(str(mac), _mac(key, *parts))


def read_signed(path: Path, form: str, site: Path) -> dict[str, Any] | None:
    """The JSON object `write_signed` saved at `path` in format `form` with `site`'s key; None when it
    is missing, damaged, of another format or not signed with that key."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    header, _, body = raw.partition(b"\n")
    try:
        meta = json.loads(header)
        if not isinstance(meta, dict) or meta.get("format") != form:
            return None
        if not signed_by(site, meta.get("mac"), form.encode(), body):
            return None
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def write_signed(path: Path, form: str, site: Path, value: dict[str, Any]) -> None:
    """Save `value` at `path` as JSON in format `form`, signed with `site`'s key; a cache that cannot
    be saved is a warning, never a failure."""
    body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    try:
        mac = sign(site, form.encode(), body)
        write_atomically(path, json.dumps({"format": form, "mac": mac}).encode() + b"\n" + body)
    except OSError as error:
        _warn("save", path, error)


def write_atomically(path: Path, content: bytes) -> None:
    """Replace `path` with `content` in one rename; OSError when it cannot, leaving nothing behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}")
    try:
        temporary.write_bytes(content)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise

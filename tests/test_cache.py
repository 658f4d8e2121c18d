"""The parse cache: a rebuild parses only the files that changed, and never trusts a damaged cache."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from builder import cache, parallel, pipeline, read, stamp
from builder.problems import DataError
from builder.reuse import Memory

from .conftest import edit, generated


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the loader parses, in order, as the build names them."""
    parsed: list[str] = []
    real = read.load_bytes

    def counting(raw: bytes, path: str) -> object:
        parsed.append(path)
        return real(raw, path)

    monkeypatch.setattr(read, "load_bytes", counting)
    # Parsed here, not in forked workers whose counts this process would not see.
    monkeypatch.setattr(parallel, "MIN_ITEMS", 10**9)
    return parsed


def test_a_rebuild_parses_only_the_file_that_changed(sample_copy: tuple[Path, Path], parses: list[str]) -> None:
    data, docs = sample_copy
    pipeline.build(data, docs)
    records = len(parses)
    assert records > 80
    parses.clear()
    edit(data / "events" / "herat-captured.yaml", "title: ", "title: Updated, ")
    pipeline.build(data, docs)
    assert [Path(p).name for p in parses] == ["herat-captured.yaml"]
    assert "Updated, Taliban claim Herat" in generated(docs)["briefings/2021-08-13.md"].decode()


def test_the_cache_lives_outside_the_repository(sample_copy: tuple[Path, Path], tmp_path: Path) -> None:
    data, docs = sample_copy
    before = {p for p in tmp_path.rglob("*") if "generated" not in p.as_posix()}
    pipeline.build(data, docs)
    after = {p for p in tmp_path.rglob("*") if "generated" not in p.as_posix()}
    assert after == before, "the build adds nothing to the repository but the generated pages"
    assert (cache.folder(docs) / cache.PARSED).is_file()


def _corrupt(text: bytes) -> bytes:
    return text[: len(text) // 2]


def _foreign(text: bytes) -> bytes:
    header, _, body = text.partition(b"\n")
    meta = json.loads(header)
    meta["loader"] = "another loader"
    return json.dumps(meta).encode() + b"\n" + body


def _tampered(text: bytes) -> bytes:
    return text.replace(b"Taliban claim Herat", b"Taliban claim Kabul")


def _numbers(text: bytes) -> bytes:
    # Consistent with its checksum, but holding what the loader never produces.
    header, _, body = text.partition(b"\n")
    entries = json.loads(body)
    for data in entries.values():
        if data.get("title") == "Taliban claim Herat":
            data["title"] = 7
    body = json.dumps(entries).encode()
    meta = {**json.loads(header), "sha256": hashlib.sha256(body).hexdigest()}
    return json.dumps(meta).encode() + b"\n" + body


@pytest.mark.parametrize("damage", [_corrupt, _foreign, _tampered, _numbers, lambda _: b"", lambda _: b"\xff\xfe"])
def test_a_damaged_or_foreign_cache_is_ignored(
    sample_copy: tuple[Path, Path], parses: list[str], damage: Callable[[bytes], bytes]
) -> None:
    data, docs = sample_copy
    pipeline.build(data, docs)
    cold = generated(docs)
    stored = cache.folder(docs) / cache.PARSED
    stored.write_bytes(damage(stored.read_bytes()))
    (cache.folder(docs) / cache.STAMP).unlink()
    parses.clear()
    pipeline.build(data, docs)
    assert generated(docs) == cold, "the pages are those of a build without any cache"
    assert parses, "what could not be trusted was parsed again"


def test_problems_keep_their_positions_when_the_file_comes_from_the_cache(sample_copy: tuple[Path, Path]) -> None:
    data, docs = sample_copy
    pipeline.build(data, docs)
    # Still valid YAML, so it is cached; but a reference to nobody.
    edit(data / "events" / "herat-captured.yaml", "  - herat-province", "  - nowhere")
    messages = []
    for _ in range(2):
        with pytest.raises(DataError) as raised:
            pipeline.build(data, docs)
        messages.append([str(p) for p in raised.value.problems])
    assert messages[0] == messages[1]
    assert any("herat-captured.yaml:11:5:" in m and "unknown-reference" in m for m in messages[1]), messages[1]


def test_the_caches_of_sites_not_built_for_a_month_are_removed(sample_copy: tuple[Path, Path], tmp_path: Path) -> None:
    data, docs = sample_copy
    others = [tmp_path / "stale" / "docs", tmp_path / "recent" / "docs"]
    for other in others:
        other.mkdir(parents=True)
        pipeline.build(data, other)
    stale, recent = (cache.folder(other) for other in others)
    # The cache folder may be shared (BRIEFINGS_CACHE=~/.cache): what other tools keep there stays.
    base = cache.folder(docs).parent
    foreign = [base / "other-tool", base / "0123456789abcdef"]
    for folder in foreign:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / cache.PARSED).write_text("{}")
    month_ago = time.time() - (cache.UNUSED_DAYS + 1) * 86_400
    for folder in (stale, *foreign):
        os.utime(folder, (month_ago, month_ago))
    pipeline.build(data, docs)
    assert not stale.exists() and recent.exists() and cache.folder(docs).exists()
    assert all((folder / cache.PARSED).read_text() == "{}" for folder in foreign)


def test_the_key_is_private_and_the_folder_tagged(sample_copy: tuple[Path, Path]) -> None:
    data, docs = sample_copy
    pipeline.build(data, docs)
    site = cache.folder(docs)
    assert stat.S_IMODE((site / cache.KEY).stat().st_mode) == 0o600
    assert (site / cache.TAG).read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55\n")


def _forged(raw: bytes, title: str, scheme: str) -> bytes:
    """A parse cache written by someone without the key, with `title` for the Herat event."""
    header, _, body = raw.partition(b"\n")
    entries = json.loads(body)
    for data in entries.values():
        if data.get("title") == "Taliban claim Herat":
            data["title"] = title
    forged = json.dumps(entries).encode()
    if scheme == "checksum":
        # How the cache was once made whole: a checksum anyone can compute.
        meta = {"format": "briefings parse cache 1", "loader": cache._loader_version()}
        meta["sha256"] = hashlib.sha256(forged).hexdigest()
    else:
        meta = {**json.loads(header), "mac": hmac.new(os.urandom(32), forged, hashlib.sha256).hexdigest()}
    return json.dumps(meta).encode() + b"\n" + forged


@pytest.mark.parametrize("scheme", ["checksum", "another key"])
@pytest.mark.parametrize("title", ["Taliban claim Herat\u202e<script>alert(1)</script>", "Herat is quiet\x07"])
def test_a_forged_parse_cache_is_never_published(
    sample_copy: tuple[Path, Path], parses: list[str], scheme: str, title: str
) -> None:
    data, docs = sample_copy
    pipeline.build(data, docs)
    cold = generated(docs)
    stored = cache.folder(docs) / cache.PARSED
    stored.write_bytes(_forged(stored.read_bytes(), title, scheme))
    (cache.folder(docs) / cache.STAMP).unlink()
    parses.clear()
    pipeline.build(data, docs)
    assert generated(docs) == cold
    assert not any(title.encode() in page for page in generated(docs).values())
    assert "herat-captured.yaml" in {Path(p).name for p in parses}, "the file is parsed again"


def test_a_forged_stamp_is_not_trusted(sample_copy: tuple[Path, Path]) -> None:
    data, docs = sample_copy
    pipeline.build(data, docs)
    stamp = cache.folder(docs) / cache.STAMP
    assert cache.read_stamp(stamp) is not None
    text = json.loads(stamp.read_text())
    stamp.write_text(json.dumps({**text, "pages": 7}))
    assert cache.read_stamp(stamp) is None


@pytest.fixture
def warnings_logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.WARNING, logger="briefings")
    return caplog


def test_a_cache_folder_that_cannot_be_made_is_a_warning_not_a_failed_build(
    sample_copy: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warnings_logged: Any
) -> None:
    data, docs = sample_copy
    # Under a file, no folder can be made: read-only for every user, root included.
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("BRIEFINGS_CACHE", str(tmp_path / "a-file" / "cache"))
    pages, changed = pipeline.build(data, docs)
    assert changed and pages > 0 and generated(docs)
    messages = [record.getMessage() for record in warnings_logged.records]
    assert any("parse cache" in m and "the build continues without the cache" in m for m in messages), messages
    assert any("stamp" in m for m in messages), messages


def test_a_full_cache_folder_is_a_warning_and_leaves_nothing_behind(
    sample_copy: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, warnings_logged: Any
) -> None:
    data, docs = sample_copy
    real = Path.write_bytes

    def full(self: Path, content: bytes) -> int:
        if self.parent == cache.folder(docs) and self.name.startswith(cache.PARSED):
            real(self, content[:10])
            raise OSError(28, "No space left on device")
        return real(self, content)

    monkeypatch.setattr(Path, "write_bytes", full)
    assert pipeline.build(data, docs)[1]
    assert [p.name for p in cache.folder(docs).iterdir() if p.name.startswith(cache.PARSED)] == []
    assert any("No space left on device" in record.getMessage() for record in warnings_logged.records)


@pytest.mark.parametrize("library", ["mkdocs", "mkdocs-material", "pyyaml", "jinja2", "pydantic", "markdown"])
def test_another_version_of_a_library_is_another_builder(monkeypatch: pytest.MonkeyPatch, library: str) -> None:
    real, before = stamp.metadata.version, stamp._libraries()
    monkeypatch.setattr(stamp.metadata, "version", lambda name: "99.0" if name == library else real(name))
    stamp._libraries.cache_clear()
    try:
        after = stamp._libraries()
    finally:
        monkeypatch.undo()
        stamp._libraries.cache_clear()
    assert after != before and f"{library} 99.0" in after
    # One memory for both: the builder's files are read once, so only the libraries differ.
    memory = Memory()
    made_by = stamp.builder(memory)
    monkeypatch.setattr(stamp, "_libraries", lambda: after)
    assert stamp.builder(memory) != made_by

"""The parse cache: a rebuild parses only the files that changed, and never trusts a damaged cache."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from builder import cache, parallel, pipeline, validate
from builder.problems import DataError

from .conftest import edit, generated


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the loader parses, in order, as the build names them."""
    parsed: list[str] = []
    real = validate.load_bytes

    def counting(raw: bytes, path: str) -> object:
        parsed.append(path)
        return real(raw, path)

    monkeypatch.setattr(validate, "load_bytes", counting)
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
    meta = {**json.loads(header), "sha256": cache.hashlib.sha256(body).hexdigest()}
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


def test_the_caches_of_sites_not_built_for_a_month_are_removed(sample_copy: tuple[Path, Path]) -> None:
    data, docs = sample_copy
    stale, recent = cache.folder(docs).parent / "stale-site", cache.folder(docs).parent / "recent-site"
    for folder in (stale, recent):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / cache.PARSED).write_text("{}")
    month_ago = time.time() - (cache.UNUSED_DAYS + 1) * 86_400
    os.utime(stale, (month_ago, month_ago))
    pipeline.build(data, docs)
    assert not stale.exists() and recent.exists() and cache.folder(docs).exists()

"""Reading many record files at once: read, hashed and parsed on every core, through the parse cache."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import parallel
from .cache import ParseCache
from .load import Document, load_bytes, read_file, restore
from .problems import Problem


def read_all(
    files: list[tuple[Path, str]], parsed: ParseCache, meanwhile: Callable[[], None] | None = None
) -> list[tuple[Document | None, list[Problem], str]]:
    """Each file's document (or its problems) and the digest of the bytes it was loaded from, in order.

    `files` holds each file's path and how problems name it. Files whose bytes the parse cache holds
    are not parsed again. `meanwhile` runs in this process while the others start on the files.
    """
    stored = parsed.stored

    def read_and_parse(file: tuple[Path, str]) -> tuple[bytes | None, str, dict[str, Any] | None, list[Problem]]:
        raw, problems = read_file(*file)
        if raw is None:
            return None, "", None, problems
        key = parsed.key(raw)
        if key in stored:
            # Looked up again where it counts, in the parent: a worker's own look-ups are lost with it.
            return raw, key, None, []
        doc, problems = load_bytes(raw, file[1])
        # Only the data goes back from a worker: the document is made again from the bytes, as from the cache.
        return raw, key, doc.data if doc else None, problems

    results: list[tuple[Document | None, list[Problem], str]] = []
    for (_, display), (raw, key, data, problems) in zip(
        files, parallel.split_map(read_and_parse, files, meanwhile=meanwhile), strict=True
    ):
        if raw is not None and data is None and not problems:
            data = parsed.get(key)
            if data is None:
                # In the cache but not usable there (damaged, say): parsed here after all.
                doc, problems = load_bytes(raw, display)
                data = doc.data if doc else None
        if raw is None or data is None:
            results.append((None, problems, key))
            continue
        parsed.put(key, data)
        results.append((restore(raw, display, data), problems, key))
    return results

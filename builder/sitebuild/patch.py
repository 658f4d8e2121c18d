"""Replacing attributes of Python-Markdown or MkDocs for the pages rendered inside a block."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def replaced(*changes: tuple[Any, str, Any]) -> Iterator[None]:
    """Each `(owner, name, value)`: `owner.name` is `value` inside the block, and what it was before after it."""
    originals = [(owner, name, getattr(owner, name)) for owner, name, _ in changes]
    for owner, name, value in changes:
        setattr(owner, name, value)
    try:
        yield
    finally:
        for owner, name, original in reversed(originals):
            setattr(owner, name, original)

"""Work split across the machine's cores by forking, when that is safe and worth it.

A forked child starts with the parent's memory as it is, so the validated repository and the loaded
templates need no copying or re-loading; only each child's results come back, pickled. Forking a
process that runs other threads can leave a lock held forever in the child, so a process with more
than one thread (the preview's file watcher) does the work itself.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many items a fork costs more than it saves.
MIN_ITEMS = 64


class ChildError(Exception):
    """A forked worker failed; the message carries its traceback."""


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def workers_for(count: int) -> int:
    """How many processes to split `count` items among here and now: 1 means no fork."""
    if count < MIN_ITEMS or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(cores(), count // (MIN_ITEMS // 2)))


def split_map(
    work: Callable[[Sequence[Item]], list[Result]], items: Sequence[Item], workers: int | None = None
) -> list[Result]:
    """`work` applied to `items`, in order; split among `workers` processes (by default `workers_for`).

    `work` takes a slice of the items and returns one result per item. Items are dealt out in turn,
    so slow and quick kinds of item mix in every share. This process does the first share itself.
    """
    workers = workers_for(len(items)) if workers is None else max(1, min(workers, len(items)))
    if workers == 1:
        return work(items)
    context = multiprocessing.get_context("fork")
    children = []
    for number in range(1, workers):
        reader, writer = context.Pipe(duplex=False)
        child = context.Process(target=_child, args=(work, items[number::workers], writer), daemon=True)
        child.start()
        writer.close()
        children.append((child, reader))
    shares: list[list[Result]] = [work(items[0::workers])]
    try:
        for _, reader in children:
            outcome, payload = reader.recv()
            if outcome == "error":
                raise ChildError(payload)
            shares.append(payload)
    except EOFError as error:
        raise ChildError("a worker process ended without a result") from error
    finally:
        for child, reader in children:
            reader.close()
            child.join()
    merged: list[Result] = [None] * len(items)  # type: ignore[list-item]
    for number, share in enumerate(shares):
        merged[number::workers] = share
    return merged


def _child(work: Callable[[Sequence[Any]], list[Any]], share: Sequence[Any], writer: Connection) -> None:
    try:
        writer.send(("ok", work(share)))
    except BaseException:  # everything goes back to the parent, which raises it
        writer.send(("error", traceback.format_exc()))
    finally:
        writer.close()

"""Work split across the machine's cores by forking, when that is safe and worth it.

A forked child starts with the parent's memory as it is, so the validated repository and the loaded
templates need no copying or re-loading; only each child's results come back, pickled, a few at a
time as it finishes them, so that little is left to send when the work is done. Forking a process
that runs other threads can leave a lock held forever in the child, so a process with more than one
thread (the preview's file watcher) does the work itself.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.sharedctypes import Synchronized
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many items a fork costs more than it saves.
MIN_ITEMS = 64
# Items are claimed a few at a time: one at a time would spend more on the shared counter's lock.
BATCH = 8
# A pipe this large holds a few batches of pages, so a child rarely waits for its results to be read.
PIPE_BYTES = 1 << 20


class ChildError(Exception):
    """A forked worker failed; the message carries its traceback."""


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def workers_for(count: int, fewest: int | None = None) -> int:
    """How many processes to split `count` items among here and now: 1 means no fork.

    `fewest` is the number of items below which a fork costs more than it saves (MIN_ITEMS unless
    given; lower for costly items).
    """
    fewest = MIN_ITEMS if fewest is None else fewest
    if count < fewest or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(cores(), count // max(1, fewest // 2)))


def split_map(
    work: Callable[[Item], Result],
    items: Sequence[Item],
    workers: int | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[Result]:
    """`work` applied to each of `items`, results in order, in `workers` processes (default `workers_for`).

    Each process claims the next few items as it finishes the last, so slow items do not leave
    one process working while the others wait. This process runs `meanwhile` first, if given, while
    the others start on the items: what it does stays in this process. While the others run, this
    process also runs a thread that reads their results, so a `split_map` called from `work` or
    `meanwhile` here does its work itself.
    """
    workers = workers_for(len(items)) if workers is None else max(1, min(workers, len(items)))
    if workers == 1:
        if meanwhile:
            meanwhile()
        return [work(item) for item in items]
    context = multiprocessing.get_context("fork")
    claimed = context.Value("l", 0)
    children: list[tuple[BaseProcess, Connection]] = []
    for _ in range(1, workers):
        reader, writer = context.Pipe(duplex=False)
        _widen(writer)
        # Each child closes the other children's pipes it inherits, so none keeps another's open.
        others = [other for _, other in children]
        child = context.Process(target=_child, args=(work, items, claimed, writer, others), daemon=True)
        child.start()
        writer.close()
        children.append((child, reader))
    # Started once every child is forked: a thread here then cannot leave a lock held in any of them.
    receivers = [_Receiver(reader) for _, reader in children]
    try:
        if meanwhile:
            meanwhile()
        done: dict[int, Any] = {}
        for batch in _batches(work, items, claimed):
            done.update(batch)
        for receiver in receivers:
            receiver.join()
            if receiver.failure is not None:
                raise ChildError(receiver.failure)
            if not receiver.finished:
                raise ChildError("a worker process ended without a result (killed, or out of memory?)")
            done.update(receiver.done)
    except BaseException:
        # The others would go on with work no one wants, or block sending results no one reads.
        for worker, _ in children:
            worker.terminate()
        raise
    finally:
        for (worker, reader), receiver in zip(children, receivers, strict=True):
            # A child that ended, or was ended, closed its end of the pipe: its receiver is done reading.
            receiver.join()
            reader.close()
            worker.join()
    return [done[index] for index in range(len(items))]


def _widen(pipe: Connection) -> None:
    """Let the pipe hold PIPE_BYTES where the system allows (Linux); otherwise it keeps its size."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


class _Receiver(threading.Thread):
    """Reads a child's results as it sends them, while this process works on its own share."""

    def __init__(self, reader: Connection) -> None:
        super().__init__(daemon=True)
        self.reader = reader
        self.done: dict[int, Any] = {}
        self.finished = False
        self.failure: str | None = None
        self.start()

    def run(self) -> None:
        try:
            while True:
                outcome, payload = self.reader.recv()
                if outcome == "part":
                    self.done.update(payload)
                elif outcome == "error":
                    self.failure = payload
                    return
                else:
                    self.finished = True
                    return
        except (EOFError, OSError):
            return  # the child ended without a word: reported as killed
        except BaseException:  # a result that cannot be read: reported as the child's failure
            self.failure = traceback.format_exc()


def _batches(work: Callable[[Any], Any], items: Sequence[Any], claimed: Synchronized[int]) -> Iterator[dict[int, Any]]:
    """The results of the batches of items this process claims, batch by batch, by index."""
    # Few items are claimed one at a time, or one process could claim them all.
    size = max(1, min(BATCH, len(items) // (4 * cores())))
    while True:
        with claimed.get_lock():
            first = claimed.value
            claimed.value = first + size
        if first >= len(items):
            return
        yield {index: work(items[index]) for index in range(first, min(first + size, len(items)))}


def _child(
    work: Callable[[Any], Any],
    items: Sequence[Any],
    claimed: Synchronized[int],
    writer: Connection,
    others: list[Connection],
) -> None:
    for other in others:
        other.close()
    try:
        for batch in _batches(work, items, claimed):
            writer.send(("part", batch))
        writer.send(("ok", None))
    except BaseException:  # everything goes back to the parent, which raises it
        writer.send(("error", traceback.format_exc()))
    finally:
        writer.close()

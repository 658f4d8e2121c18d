"""Run a command; print its exit code, wall time and peak resident memory as one JSON line.

`python -m bench.peak COMMAND...`. The peak comes from `os.wait4` on the command, which on Linux
also counts the memory of whatever process forked it, as it stood before the command replaced
it: run from the bench itself, which holds two whole sites by then, the builder would be charged
for the bench. Run from this small process instead, the charge is a few MiB of interpreter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main(command: list[str]) -> int:
    started = time.perf_counter()
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    print(json.dumps({"code": code, "seconds": seconds, "peak_kib": usage.ru_maxrss}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""`python -m bench.cold DATA`: one cold build in this fresh process; prints its seconds as JSON.

Timed from the first stage to the last, after the imports: what `make site` spends building, with
nothing from an earlier build in this process (compiled templates, caches) to help it. The bench
clears the on-disk state (generated pages, parse cache) before each run.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from builder import pipeline


def main(data: str) -> int:
    started = time.perf_counter()
    pipeline.build(Path(data), pipeline.DOCS)
    print(json.dumps({"seconds": time.perf_counter() - started}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

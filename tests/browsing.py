"""What the browser tests share: Debian's chromium, launched and served to as `builder.pdf` does it.

No browser is ever downloaded: where `chromium` is not on PATH, the tests that need it skip with
NO_CHROMIUM as their reason. The `browser` and `artifacts` fixtures are in conftest.py.
"""

from __future__ import annotations

import shutil

from builder.pdf import BROWSER_ARGS as LAUNCH_ARGS
from builder.pdf import served as serve

CHROMIUM = shutil.which("chromium")
NO_CHROMIUM = "Debian's chromium is not on PATH (apt-get install chromium; .ci/run does); no browser is downloaded"

__all__ = ["CHROMIUM", "LAUNCH_ARGS", "NO_CHROMIUM", "serve"]

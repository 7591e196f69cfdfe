"""The terminal user interface: the only package that imports Textual.

Importing this package is cheap; ``newsreader.tui.app`` pulls in Textual (~120 ms).
"""

import os

# Textual draws a change at its next frame, paced at TEXTUAL_FPS (read once, when Textual is
# imported: every module here imports it after this line). A search answer waits up to a
# frame for it: 4 ms at 240, 8 at 120, 17 at the default 60 (benchmarks/README.md). The
# frame timer stops when nothing changes, so an idle app costs nothing more. A user's own
# setting wins.
os.environ.setdefault("TEXTUAL_FPS", "240")

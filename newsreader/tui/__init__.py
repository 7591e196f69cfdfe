"""The terminal user interface: the only package that imports Textual.

Importing this package is cheap; ``newsreader.tui.app`` pulls in Textual (~120 ms).
"""

import os

# Textual draws a change at its next frame, paced at TEXTUAL_FPS (read once, when Textual is
# imported: every module here imports it after this line). At 120 a search answer waits half
# as long for its frame as at the default 60 (benchmarks/README.md). A user's own setting wins.
os.environ.setdefault("TEXTUAL_FPS", "120")

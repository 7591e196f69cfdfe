"""The terminal user interface: the only package that imports Textual.

Importing this package is cheap; ``newsreader.tui.app`` pulls in Textual (~120 ms).
"""

import os

# Textual draws a change at its next frame, paced at TEXTUAL_FPS (read once, when Textual is
# imported: every module here imports it after this line). At the default 60 a search answer
# waited up to 16.7 ms for its frame; at 120 the median key-to-results fell from ~38 to ~26 ms
# (benchmarks/README.md). A user's own setting wins.
os.environ.setdefault("TEXTUAL_FPS", "120")

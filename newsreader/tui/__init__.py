"""The terminal user interface: the only package that imports Textual.

Importing this package is cheap; ``newsreader.tui.app`` pulls in Textual (~120 ms).
"""

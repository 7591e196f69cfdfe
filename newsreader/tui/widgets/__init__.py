"""Panes and small widgets of the newsreader app."""

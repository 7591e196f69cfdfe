"""The index format's version, apart from the schema itself: checking a generation's version
must not import Whoosh (``schema.py`` does)."""

SCHEMA_VERSION = 7
"""Bump when the schema, the analysis or the text parsed from a file changes: an index of
another version is rebuilt."""

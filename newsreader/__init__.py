"""newsreader: a terminal reader for news articles with ranked full-text search."""

__version__ = "0.1.0"

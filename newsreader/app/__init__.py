"""The application layer: services the TUI runs on, with no Textual in them.

The session (reading-state store, search index, writer thread), the first library scan started
before Textual loads, the full index build in a child process, and opening an article at a place.
The TUI calls these from its workers; the domain packages never import this one.
"""

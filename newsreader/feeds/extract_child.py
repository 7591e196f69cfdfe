"""The page reader's child process (``python -m newsreader.feeds.extract_child``).

It reads jobs on stdin and answers each on stdout, framed by ``multiprocessing.connection``:
a JSON header (address, charset), the page's bytes, then one JSON answer. JSON, not pickle,
so neither side ever unpickles what the other sent. The parent kills it when a page takes too
long (see ``reader``); its own output goes nowhere, so a library's log line can never reach
the terminal or the app's screen.
"""

from __future__ import annotations

import json
import os
from multiprocessing.connection import Connection
from typing import Any


def main() -> None:
    jobs = Connection(os.dup(0), writable=False)
    answers = Connection(os.dup(1), readable=False)
    quiet = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(quiet, fd)
    from newsreader.feeds.extract import NotAnArticle, extract_page

    answers.send_bytes(b'{"ready": true}')
    while True:
        try:
            header = json.loads(jobs.recv_bytes())
            html = jobs.recv_bytes()
        except (EOFError, OSError):
            return
        answer: dict[str, Any]
        try:
            draft = extract_page(html, header.get("url"), header.get("charset"))
        except NotAnArticle as exc:
            answer = {"error": str(exc)}
        except Exception as exc:  # MemoryError, RecursionError: one bad page, not the reader
            answer = {"error": f"cannot read the page ({exc.__class__.__name__})"}
        else:
            answer = {"title": draft.title, "paragraphs": list(draft.paragraphs),
                      "date": draft.date.isoformat() if draft.date else None,
                      "author": draft.author, "canonical_url": draft.canonical_url}
        answers.send_bytes(json.dumps(answer).encode("utf-8"))


if __name__ == "__main__":
    main()

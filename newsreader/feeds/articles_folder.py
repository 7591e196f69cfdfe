"""The articles folder: article files plus a hidden ``.sources.jsonl`` that maps each source
address to its file, so the same article is never saved twice.

The source address lives in the sidecar, not in the article, because a "Source: URL" line would
be shown to readers as a paragraph and indexed as words. The library scanner skips hidden files.

Article files are written to a temporary name and renamed. The sidecar is append-only JSON
Lines, one record per save: rewriting one JSON document per save grows with the folder, an
appended line does not. A line torn by a crash is skipped when read (the
article file is still found by the address hash in its name). Both happen under a lock shared by
threads and other newsreader processes, so two fetches never save one article twice.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from newsreader.feeds.article_file import ArticleDraft, format_article, slug
from newsreader.feeds.files import StoreError, atomic_write, file_lock
from newsreader.feeds.urls import host_of, url_hash

SIDECAR = ".sources.jsonl"
_LOCK = ".sources.lock"

Origin = Literal["page", "feed", "summary", "file"]
"""Where the text came from: the web page, the feed's full content, the feed's summary only
(page unreachable), or a local HTML file."""


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One saved article: a line of the sidecar."""

    url: str
    """The normalized address the file is named after."""
    file: str
    title: str
    origin: Origin
    saved: str
    """When it was saved (ISO 8601, UTC)."""
    also: tuple[str, ...] = ()
    """Other addresses of the same article (after redirects, canonical)."""
    author: str | None = None
    date: str | None = None
    feed: str | None = None


@dataclass(frozen=True, slots=True)
class Known:
    """An address already in the sidecar (or a file carrying its hash)."""

    path: Path
    exists: bool


@dataclass(slots=True)
class ArticleFolder:
    """Save and look up articles in one folder; safe to share between threads."""

    folder: Path
    notices: list[str] = field(default_factory=list)
    """One-line warnings for the user (e.g. unreadable sidecar lines that were skipped)."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _records: dict[str, SourceRecord] = field(default_factory=dict, repr=False)
    _aliases: dict[str, str] = field(default_factory=dict, repr=False)
    _inode: int | None = field(default=None, repr=False)
    _offset: int = field(default=0, repr=False)
    """Bytes of the sidecar already read: appends are read incrementally."""

    def find(self, *keys: str) -> Known | None:
        """The saved article for any of these normalized addresses, or None."""
        with self._lock:
            self._reload()
            return self._find(keys)

    def save(
        self,
        draft: ArticleDraft,
        key: str,
        *,
        also: tuple[str, ...] = (),
        origin: Origin,
        feed: str | None = None,
    ) -> tuple[Path, bool]:
        """Write a prepared draft unless one of its addresses is saved already.

        Returns (path, created). ``key`` is the normalized address that names the file.
        """
        keys = (key, *also)
        with self._lock, file_lock(self.folder / _LOCK):
            self._reload()
            known = self._find(keys)
            if known is not None and known.exists:
                return known.path, False
            name = known.path.name if known is not None else file_name(draft.title, key)
            path = self.folder / name
            atomic_write(path, format_article(draft).encode("utf-8"))
            record = SourceRecord(
                url=key,
                file=name,
                title=draft.title,
                origin=origin,
                saved=datetime.now(UTC).replace(microsecond=0).isoformat(),
                also=tuple(k for k in dict.fromkeys(also) if k != key),
                author=draft.author,
                date=draft.date.isoformat() if draft.date else None,
                feed=feed,
            )
            self._append(record)
            self._reload()
            return path, True

    def records(self) -> list[SourceRecord]:
        """Every saved article's record, oldest first."""
        with self._lock:
            self._reload()
            return sorted(self._records.values(), key=lambda r: r.saved)

    # --- internals ----------------------------------------------------------------------

    def _find(self, keys: tuple[str, ...]) -> Known | None:
        for k in keys:
            primary = k if k in self._records else self._aliases.get(k)
            if primary is not None:
                path = self.folder / self._records[primary].file
                return Known(path, path.is_file())
        for k in keys[:1]:  # a file saved just before a crash, whose line was lost
            with contextlib.suppress(OSError):
                for path in self.folder.glob(f"*{url_hash(k)}.txt"):
                    return Known(path, True)
        return None

    def _reload(self) -> None:
        """Read the lines appended since the last read (all of them if the file was replaced)."""
        path = self.folder / SIDECAR
        try:
            with path.open("rb") as fh:
                st = os.fstat(fh.fileno())
                if st.st_ino != self._inode or st.st_size < self._offset:
                    self._records, self._aliases, self._offset = {}, {}, 0
                    self._inode = st.st_ino
                if st.st_size == self._offset:
                    return
                fh.seek(self._offset)
                data = fh.read()
        except FileNotFoundError:
            self._records, self._aliases, self._inode, self._offset = {}, {}, None, 0
            return
        except OSError as exc:
            raise StoreError(f"cannot read {path}: {exc.strerror}") from None
        end = data.rfind(b"\n") + 1  # a torn last line stays unread until it is terminated
        bad = 0
        for line in data[:end].splitlines():
            try:
                record = parse_record(json.loads(line))
            except (ValueError, TypeError, KeyError):
                bad += int(bool(line.strip()))
                continue
            self._records[record.url] = record
            for alias in record.also:
                self._aliases[alias] = record.url
        self._offset += end
        if bad:
            self.notices.append(f"{path}: skipped {bad} unreadable line(s)")

    def _append(self, record: SourceRecord) -> None:
        path = self.folder / SIDECAR
        line = json.dumps(_record_json(record), ensure_ascii=False).encode("utf-8") + b"\n"
        try:
            fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                size = os.fstat(fd).st_size
                if size and os.lseek(fd, size - 1, os.SEEK_SET) >= 0 and os.read(fd, 1) != b"\n":
                    line = b"\n" + line  # end a line torn by a crash before adding ours
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise StoreError(f"cannot write {path}: {exc.strerror}") from None


def file_name(title: str, key: str) -> str:
    """``<title-slug>-<hash of the address>.txt``: readable, and stable for one address
    because lookups go by the hash (see ``ArticleFolder._find``)."""
    return f"{slug(title) or slug(host_of(key)) or 'article'}-{url_hash(key)}.txt"


def parse_record(value: Any) -> SourceRecord:
    """A sidecar line's record (parsed JSON); TypeError, ValueError or KeyError if bad."""
    fields = dict(value)
    fields["also"] = tuple(fields.get("also", ()))
    record = SourceRecord(**fields)
    if not isinstance(record.url, str) or not isinstance(record.file, str):
        raise TypeError("bad record")
    if "/" in record.file or record.file.startswith("."):
        raise ValueError("bad file name")
    return record


def _record_json(record: SourceRecord) -> dict[str, Any]:
    data = asdict(record)
    data["also"] = list(record.also)
    return {k: v for k, v in data.items() if v not in (None, [])}

"""The articles folder: article files plus a hidden ``.sources.json`` that maps each source
address to its file, so the same article is never saved twice.

The source address lives in the sidecar, not in the article, because a "Source: URL" line would
be shown to readers as a paragraph and indexed as words. The library scanner skips hidden files.
Every file is written to a temporary name and renamed, under a lock shared by threads and by
other newsreader processes, so a crash or a second ``fetch`` never leaves half a file.
"""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from newsreader.feeds.article_file import ArticleDraft, format_article, slug
from newsreader.feeds.files import StoreError, atomic_write, file_lock
from newsreader.feeds.urls import host_of, url_hash

SIDECAR = ".sources.json"
_LOCK = ".sources.lock"
_VERSION = 1

Origin = Literal["page", "feed", "summary", "file"]
"""Where the text came from: the web page, the feed's full content, the feed's summary only
(page unreachable), or a local HTML file."""


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One saved article in the sidecar."""

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
    """One-line warnings for the user (e.g. a broken sidecar that was set aside)."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _records: dict[str, SourceRecord] = field(default_factory=dict, repr=False)
    _aliases: dict[str, str] = field(default_factory=dict, repr=False)
    _signature: tuple[int, int] | None = field(default=None, repr=False)

    def find(self, *keys: str) -> Known | None:
        """The saved article for any of these normalized addresses, or None."""
        with self._lock:
            self._reload()
            return self._find(keys)

    def save(self, draft: ArticleDraft, key: str, *, also: tuple[str, ...] = (),
             origin: Origin, feed: str | None = None) -> tuple[Path, bool]:
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
            now = datetime.now(UTC).replace(microsecond=0).isoformat()
            record = SourceRecord(
                file=name, title=draft.title, origin=origin, saved=now,
                also=tuple(k for k in dict.fromkeys(also) if k != key),
                author=draft.author, date=draft.date.isoformat() if draft.date else None,
                feed=feed,
            )
            self._records[key] = record
            for alias in record.also:
                self._aliases[alias] = key
            self._write_sidecar()
            return path, True

    # --- internals ----------------------------------------------------------------------

    def _find(self, keys: tuple[str, ...]) -> Known | None:
        for k in keys:
            primary = k if k in self._records else self._aliases.get(k)
            if primary is not None:
                path = self.folder / self._records[primary].file
                return Known(path, path.is_file())
        for k in keys[:1]:  # files saved before a crash could record them
            with contextlib.suppress(OSError):
                for path in self.folder.glob(f"*{url_hash(k)}.txt"):
                    return Known(path, True)
        return None

    def _reload(self) -> None:
        path = self.folder / SIDECAR
        try:
            st = path.stat()
        except FileNotFoundError:
            self._records, self._aliases, self._signature = {}, {}, None
            return
        except OSError as exc:
            raise StoreError(f"cannot read {path}: {exc.strerror}") from None
        signature = (st.st_mtime_ns, st.st_size)
        if signature == self._signature:
            return
        try:
            data = json.loads(path.read_bytes())
            records = {k: _record(v) for k, v in data["sources"].items()}
        except OSError as exc:
            raise StoreError(f"cannot read {path}: {exc.strerror}") from None
        except (ValueError, KeyError, TypeError, AttributeError):
            aside = path.with_name(f"{SIDECAR}.broken")
            with contextlib.suppress(OSError):
                path.replace(aside)
            self.notices.append(f"{path} was unreadable; set aside as {aside.name}")
            records = {}
            signature = None  # type: ignore[assignment]
        self._records = records
        self._aliases = {a: k for k, r in records.items() for a in r.also}
        self._signature = signature

    def _write_sidecar(self) -> None:
        path = self.folder / SIDECAR
        data: dict[str, Any] = {
            "version": _VERSION,
            "sources": {k: _record_json(r) for k, r in sorted(self._records.items())},
        }
        atomic_write(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
        st = path.stat()
        self._signature = (st.st_mtime_ns, st.st_size)


def file_name(title: str, key: str) -> str:
    """``<title-slug>-<hash of the address>.txt``: readable, and stable for one address
    because lookups go by the hash (see ``ArticleFolder._find``)."""
    return f"{slug(title) or slug(host_of(key)) or 'article'}-{url_hash(key)}.txt"


def _record(value: Any) -> SourceRecord:
    fields = dict(value)
    fields["also"] = tuple(fields.get("also", ()))
    record = SourceRecord(**fields)
    if not isinstance(record.file, str) or "/" in record.file or record.file.startswith("."):
        raise ValueError("bad file name")
    return record


def _record_json(record: SourceRecord) -> dict[str, Any]:
    data = asdict(record)
    data["also"] = list(record.also)
    return {k: v for k, v in data.items() if v not in (None, [])}


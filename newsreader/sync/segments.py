"""Segment files: a device's changes in the sync folder, one immutable file per export.

Layout: ``<sync folder>/<device id>/<first sequence number>.jsonl``. A file is a header line
(format, version, device, host, count), one change per line, and an end line holding the
count again and the SHA-256 of every byte before it. It is written under a hidden temporary
name and renamed into place, so a sync tool only ever copies whole files; one still being
copied, cut short or altered fails the check and is skipped until it is whole.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from newsreader.sync.changes import Change, checked

FORMAT = "newsreader-sync"
VERSION = 1
MAX_BYTES = 256 << 20
"""The largest segment read; anything bigger is not one of ours."""
NAME = re.compile(r"^(\d{10})\.jsonl$")
DEVICE = re.compile(r"^[0-9a-f]{16}$")


_raw_decode = json.JSONDecoder().raw_decode
"""One JSON value from the start of a text, and where it ends: a record's line must be one
whole value (this skips ``json.loads``'s type checks and its two scans for white space, a
sixth of the decoding; our lines have none)."""


class SegmentError(ValueError):
    """A file in the sync folder that cannot be used (yet); its message says why."""


@dataclass(frozen=True, slots=True)
class Segment:
    """A segment read and checked."""

    device: str
    host: str
    changes: list[Change]


def segment_name(first_seq: int) -> str:
    """The file name of a segment that starts at this device's change ``first_seq``."""
    return f"{first_seq:010d}.jsonl"


def write_segment(
    folder: Path, device: str, host: str, first_seq: int, changes: Iterable[Change]
) -> Path:
    """Write a segment atomically (temporary file, fsync, rename); returns its path."""
    lines = [c.record_text() for c in changes]
    header = {"format": FORMAT, "version": VERSION, "device": device, "host": host}
    header["count"] = len(lines)
    text = "".join(x + "\n" for x in [json.dumps(header, ensure_ascii=False), *lines])
    data = text.encode("utf-8")
    end = {"end": len(lines), "sha256": hashlib.sha256(data).hexdigest()}
    data += (json.dumps(end) + "\n").encode("utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / segment_name(first_seq)
    tmp = folder / f".{final.name}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, final)
    _fsync_dir(folder)
    return final


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_segment(path: Path, device: str) -> Segment:
    """Read and check a segment of ``device``; SegmentError saying why it cannot be used."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SegmentError(f"unreadable ({exc.strerror or exc.__class__.__name__})") from None
    if len(data) > MAX_BYTES:
        raise SegmentError("too large to be a sync segment")
    if not data.endswith(b"\n"):
        raise SegmentError("incomplete (cut short or still being copied)")
    body, _, last = data[:-1].rpartition(b"\n")
    body += b"\n"
    try:
        end = json.loads(last)
        header = json.loads(body[: body.index(b"\n")])
    except (ValueError, UnicodeDecodeError):
        raise SegmentError("incomplete or garbled (no end line)") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise SegmentError("not a newsreader sync segment")
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SegmentError("no valid format version")
    if version > VERSION:
        raise SegmentError(
            f"written by a newer newsreader (format {version}; this one reads {VERSION})"
        )
    if not isinstance(end, dict) or "sha256" not in end:
        raise SegmentError("incomplete (cut short or still being copied)")
    if end.get("sha256") != hashlib.sha256(body).hexdigest():
        raise SegmentError("checksum mismatch (cut short, still being copied or altered)")
    if header.get("device") != device:
        raise SegmentError("its header names another device than its folder")
    try:
        lines = body.decode("utf-8").split("\n")[1:-1]  # decoded once, not line by line
    except UnicodeDecodeError as exc:
        raise SegmentError(f"garbled record ({str(exc)[:80]})") from None
    if end.get("end") != len(lines) or header.get("count") != len(lines):
        raise SegmentError("record count does not match")
    changes: list[Change] = []
    try:
        for line in lines:
            item, end = _raw_decode(line)
            if end != len(line):
                raise ValueError(f"more than one record on a line: {line[end:][:40]!r}")
            changes.append(checked(item, device, line))
    except (ValueError, RecursionError) as exc:
        raise SegmentError(f"garbled record ({str(exc)[:80]})") from None
    host = header.get("host")
    return Segment(device, host if isinstance(host, str) else "", changes)

"""Segment files: written whole, and anything cut short, altered, garbled or from a newer
version is refused with a reason instead of being read in part."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from newsreader.sync.changes import Change
from newsreader.sync.hlc import format_stamp
from newsreader.sync.segments import SegmentError, read_segment, write_segment

DEVICE = "0123456789abcdef"


def changes(n: int) -> list[Change]:
    return [
        Change(
            format_stamp(1000 + i, 0, DEVICE),
            "read",
            f"hash{i}",
            {"id": f"a{i}", "path": f"/a{i}.txt", "title": "Ünïcode ✓", "read": True},
        )
        for i in range(n)
    ]


def test_a_segment_reads_back_as_written(tmp_path: Path) -> None:
    path = write_segment(tmp_path / DEVICE, DEVICE, "laptop", 1, changes(5))
    assert path.name == "0000000001.jsonl"
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temp left
    segment = read_segment(path, DEVICE)
    assert segment.changes == changes(5) and segment.host == "laptop"


@pytest.mark.parametrize("keep", [0.2, 0.5, 0.9, 0.999])
def test_a_segment_cut_short_is_refused(tmp_path: Path, keep: float) -> None:
    path = write_segment(tmp_path / DEVICE, DEVICE, "laptop", 1, changes(20))
    data = path.read_bytes()
    cut = data[: int(len(data) * keep)]
    for version in (cut, cut.rsplit(b"\n", 1)[0] + b"\n"):  # mid-line, and at a line end
        path.write_bytes(version)
        with pytest.raises(SegmentError):
            read_segment(path, DEVICE)


def test_an_altered_line_fails_the_checksum(tmp_path: Path) -> None:
    path = write_segment(tmp_path / DEVICE, DEVICE, "laptop", 1, changes(3))
    path.write_bytes(path.read_bytes().replace(b'"read":true', b'"read":false', 1))
    with pytest.raises(SegmentError, match="checksum"):
        read_segment(path, DEVICE)


def test_a_newer_format_is_refused_by_name(tmp_path: Path) -> None:
    path = write_segment(tmp_path / DEVICE, DEVICE, "laptop", 1, changes(1))
    lines = path.read_bytes().split(b"\n")
    header = json.loads(lines[0])
    header["version"] = 99
    path.write_bytes(json.dumps(header).encode() + b"\n" + b"\n".join(lines[1:]))
    with pytest.raises(SegmentError, match="newer newsreader"):
        read_segment(path, DEVICE)


@pytest.mark.parametrize(
    "data", [b"", b"\x00\xff garbage\n", b"{}\n{}\n", b'[1,2]\n{"end":0}\n', b"not json\n"]
)
def test_garbage_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "0000000001.jsonl"
    path.write_bytes(data)
    with pytest.raises(SegmentError):
        read_segment(path, DEVICE)


def test_a_segment_in_another_devices_folder_is_refused(tmp_path: Path) -> None:
    path = write_segment(tmp_path / DEVICE, DEVICE, "laptop", 1, changes(1))
    with pytest.raises(SegmentError, match="another device"):
        read_segment(path, "fedcba9876543210")


def test_a_record_with_a_bad_field_refuses_the_file(tmp_path: Path) -> None:
    bad = Change(format_stamp(1, 0, DEVICE), "position", "h", {"id": "a", "progress": 500})
    path = write_segment(tmp_path / DEVICE, DEVICE, "laptop", 1, [*changes(2), bad])
    with pytest.raises(SegmentError, match="garbled record"):
        read_segment(path, DEVICE)


def test_a_kind_this_version_does_not_know_is_kept(tmp_path: Path) -> None:
    mark = Change(format_stamp(1, 0, DEVICE), "highlight", "h", {"colour": "red"})
    path = write_segment(tmp_path / DEVICE, DEVICE, "laptop", 1, [mark])
    assert read_segment(path, DEVICE).changes == [mark]


@pytest.mark.parametrize("extra", [" ", ' {"id": 1}', "x"])
def test_a_line_holding_more_than_its_record_refuses_the_file(tmp_path: Path, extra: str) -> None:
    path = write_segment(tmp_path / DEVICE, DEVICE, "laptop", 1, changes(2))
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] += extra
    body = "\n".join(lines[:-2]) + "\n"
    end = {"end": 2, "sha256": hashlib.sha256(body.encode()).hexdigest()}
    path.write_text(body + json.dumps(end) + "\n", encoding="utf-8")
    with pytest.raises(SegmentError, match="garbled record"):
        read_segment(path, DEVICE)

"""The record of each document's signature beside an index commit: what is written is what is
read back, for any path a file system can hold, and anything else is not trusted."""

from __future__ import annotations

import os

import pytest

from newsreader.search.freshness import _decode_signatures, _encode_signatures

ODD = {
    "/lib/plain.txt": b"12:345:abc",
    "/lib/with space/and\nnewline.txt": b"1:2:def",
    os.fsdecode(b"/lib/not-utf8-\xff\xfe.txt"): b"3:4:0a1",
    "/lib/ünïcödé/日本.md": b"5:6:fff",
}


@pytest.mark.parametrize("sigs", [{}, {"/a.txt": b"1:2:3"}, ODD])
def test_what_is_written_is_read_back(sigs: dict[str, bytes]) -> None:
    assert _decode_signatures(_encode_signatures(sigs)) == sigs


def test_a_nul_in_a_path_is_refused_not_misread() -> None:
    with pytest.raises(ValueError):
        _encode_signatures({"/a\0b.txt": b"1:2:3", "/c.txt": b"4:5:6"})


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d[:12],  # cut inside its header (a cut later is the record's checksum's to find)
        lambda d: d[:8] + (10**9).to_bytes(8, "little") + d[16:],  # a size past the end
        lambda d: b"/a.txt\x001:2:3",  # the layout before this one (pairs, NUL-separated)
        lambda d: b"",
    ],
)
def test_anything_else_is_not_trusted(damage: object) -> None:
    data = _encode_signatures(ODD)
    assert callable(damage)
    assert _decode_signatures(damage(data)) is None

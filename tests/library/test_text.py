"""Terminal control sequences in text from outside leave nothing printable behind."""

from __future__ import annotations

import pytest

from newsreader.library.text import clean_line, clean_text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a \x1b[31mred\x1b[0m b", "a red b"),
        ("a \x9b31mred\x9b0m b", "a red b"),
        ("a \x9b2J\x9b?25l b", "a  b"),
        ("a \x9d0;pwned\x07b", "a b"),
        ("a \x9d8;;https://evil\x9cclick\x9d8;;\x9c b", "a click b"),
        ("a \x9d52;c;QQ==\x1b\\b", "a b"),
        ("a \x90q#0;2;0;0;0\x9c b", "a  b"),
        ("a \x1b]0;title\x07b", "a b"),
    ],
)
def test_whole_sequences_go(raw: str, shown: str) -> None:
    assert clean_text(raw) == shown


def test_one_line_text_keeps_no_residue() -> None:
    assert clean_line("Title \x9b1;31mred\x9b0m\n") == "Title red"
    assert clean_line("Café\x9b0m") == "Café"

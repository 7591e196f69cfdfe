"""The merge rules: the same set of changes gives the same state in any order, any number of
times; the latest stamp wins a read mark; a delete does not take an edit it had not seen; a
note edited apart keeps both texts."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.sync import merge
from newsreader.sync.changes import Change
from newsreader.sync.hlc import Clock, format_stamp

DEVICES = ("a" * 16, "b" * 16, "c" * 16)
IDENT = {"id": "x", "path": "/x.txt", "title": "X"}


def stamp(wall: int, device: int, counter: int = 0) -> str:
    return format_stamp(wall, counter, DEVICES[device])


def put(s: str, note: str = "", seen: list[str] | None = None) -> Change:
    body = {
        "article_hash": "h",
        "article_id": "x",
        "article_path": "/x.txt",
        "article_title": "X",
        "quote": "q",
        "prefix": "",
        "suffix": "",
        "paragraph": 0,
        "start": 0,
        "end": 1,
        "note": note,
        "created": 1,
        "seen": seen or [],
    }
    return Change(s, "bookmark", "u1", body)


def note(s: str, text: str, seen: list[str]) -> Change:
    return Change(s, "note", "u1", {"note": text, "seen": seen})


def unmark(s: str, seen: list[str]) -> Change:
    return Change(s, "unbookmark", "u1", {"seen": seen})


# --- random histories ------------------------------------------------------------------------

_op = st.tuples(
    st.sampled_from(["read", "position", "opened", "note", "unbookmark", "put", "feed", "unfeed"]),
    st.integers(0, 2),  # device
    st.integers(0, 50),  # wall
    st.integers(0, 3),  # counter
    st.integers(0, 100),  # a value
    st.lists(st.integers(0, 30), max_size=4),  # which earlier changes it had seen
)


def history(ops: list[tuple[str, int, int, int, int, list[int]]]) -> list[Change]:
    made: list[Change] = []
    for kind, dev, wall, counter, value, seen_at in ops:
        s = stamp(wall, dev, counter)
        seen = sorted({made[i].id for i in seen_at if i < len(made)})
        if kind == "read":
            made.append(Change(s, "read", "h", {**IDENT, "read": value % 2 == 0}))
        elif kind == "position":
            body = {**IDENT, "paragraph": value, "offset": 1, "progress": value, "quote": "w"}
            made.append(Change(s, "position", "h", body))
        elif kind == "opened":
            made.append(Change(s, "opened", "h", {**IDENT, "at": value}))
        elif kind == "note":
            made.append(note(s, f"n{value}", seen))
        elif kind == "unbookmark":
            made.append(unmark(s, seen))
        elif kind == "put":
            made.append(put(s, f"p{value}", seen))
        elif kind == "feed":
            made.append(
                Change(s, "feed", "f", {"url": "http://f/", "title": None, "category": None})
            )
        else:
            made.append(Change(s, "unfeed", "f", {"seen": seen}))
    return made


def resolved(changes: list[Change]) -> tuple[object, object, object]:
    return (merge.article("h", changes), merge.bookmark("u1", changes), merge.feed("f", changes))


@settings(max_examples=300, deadline=None)
@given(st.lists(_op, max_size=30), st.randoms(use_true_random=False), st.integers(1, 3))
def test_any_order_and_any_repetition_give_the_same_state(
    ops: list[tuple[str, int, int, int, int, list[int]]], rnd: random.Random, times: int
) -> None:
    changes = history(ops)
    expected = resolved(changes)
    again = changes * times + rnd.sample(changes, len(changes) // 2)
    rnd.shuffle(again)
    assert resolved(again) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(_op, max_size=20), st.lists(_op, max_size=20))
def test_merging_in_two_steps_equals_merging_at_once(
    first: list[tuple[str, int, int, int, int, list[int]]],
    second: list[tuple[str, int, int, int, int, list[int]]],
) -> None:
    a, b = history(first), history(second)
    # Devices merge incrementally: what they hold is a union; the state depends only on it.
    assert resolved(a + b) == resolved(b + a) == resolved(a + b + a)


# --- the rules -------------------------------------------------------------------------------


def test_the_latest_stamp_wins_a_read_mark_even_from_a_clock_hours_behind() -> None:
    hours = 6 * 3600 * 1000
    ahead = Clock(DEVICES[0], now=lambda: 10 * hours)
    behind = Clock(DEVICES[1], now=lambda: 10 * hours - hours)
    marked = ahead.tick()
    behind.observe(marked)  # device b synced, then unmarked it: its clock is 6 h behind
    unmarked = behind.tick()
    assert unmarked > marked
    changes = [
        Change(marked, "read", "h", {**IDENT, "read": True}),
        Change(unmarked, "read", "h", {**IDENT, "read": False}),
    ]
    state = merge.article("h", changes)
    assert state is not None and state.read is False


def test_position_and_read_mark_are_merged_field_by_field() -> None:
    changes = [
        Change(stamp(5, 0), "read", "h", {**IDENT, "read": True}),
        Change(
            stamp(3, 1),
            "position",
            "h",
            {**IDENT, "paragraph": 4, "offset": 2, "progress": 40, "quote": "w"},
        ),
        Change(stamp(2, 1), "opened", "h", {**IDENT, "at": 200}),
        Change(stamp(7, 0), "opened", "h", {**IDENT, "at": 100}),
    ]
    state = merge.article("h", changes)
    assert state is not None
    assert (state.read, state.position) == (True, (4, 2, 40, "w"))
    assert (state.first_opened, state.last_opened) == (100, 200)


def test_a_delete_does_not_take_an_edit_it_had_not_seen() -> None:
    made = put(stamp(1, 0), "first")
    edit = note(stamp(5, 1), "edited on b", [made.id])
    gone = unmark(stamp(9, 0), [made.id])  # a deleted it later, but before hearing of b's edit
    state = merge.bookmark("u1", [made, gone, edit])
    assert state is not None and state.alive
    assert state.note == "edited on b" and not state.conflict


def test_a_delete_that_saw_every_edit_removes_the_bookmark() -> None:
    made = put(stamp(1, 0), "first")
    edit = note(stamp(5, 1), "edited", [made.id])
    gone = unmark(stamp(6, 0), [made.id, edit.id])
    state = merge.bookmark("u1", [edit, gone, made])
    assert state is not None and not state.alive


def test_a_note_edited_on_two_devices_keeps_both_until_edited_again() -> None:
    made = put(stamp(1, 0), "first")
    on_a = note(stamp(5, 0), "from a", [made.id])
    on_b = note(stamp(4, 1), "from b", [made.id])
    state = merge.bookmark("u1", [made, on_a, on_b])
    assert state is not None and state.conflict
    assert state.note == f"from b\n{merge.CONFLICT_LINE}\nfrom a"
    settled = note(stamp(8, 1), "both, tidied", [made.id, on_a.id, on_b.id])
    state = merge.bookmark("u1", [made, on_a, on_b, settled])
    assert state is not None and not state.conflict and state.note == "both, tidied"


def test_the_same_text_written_on_two_devices_is_not_a_conflict() -> None:
    made = put(stamp(1, 0), "")
    same = [note(stamp(5, 0), "same", [made.id]), note(stamp(4, 1), "same", [made.id])]
    state = merge.bookmark("u1", [made, *same])
    assert state is not None and not state.conflict and state.note == "same"


def test_a_note_edit_before_its_bookmark_arrives_waits_for_it() -> None:
    made = put(stamp(1, 0), "first")
    edit = note(stamp(5, 1), "edited", [made.id])
    assert merge.bookmark("u1", [edit]) is None
    state = merge.bookmark("u1", [edit, made])
    assert state is not None and state.alive and state.note == "edited"


def test_feeds_are_an_observed_remove_set() -> None:
    body = {"url": "http://f/", "title": "F", "category": None}
    add_a = Change(stamp(1, 0), "feed", "f", body)
    add_b = Change(stamp(2, 1), "feed", "f", body)
    gone_a = Change(stamp(3, 0), "unfeed", "f", {"seen": [add_a.id]})
    state = merge.feed("f", [add_a, gone_a])
    assert state is not None and not state.alive
    state = merge.feed("f", [add_a, gone_a, add_b])  # b subscribed again meanwhile
    assert state is not None and state.alive


def test_a_clock_orders_after_everything_it_has_seen() -> None:
    clock = Clock(DEVICES[0], now=lambda: 100)
    first = clock.tick()
    second = clock.tick()  # the wall clock did not move
    clock.observe(format_stamp(5000, 7, DEVICES[1]))
    third = clock.tick()
    assert first < second < third
    assert third.startswith("0000000005000.000008.")

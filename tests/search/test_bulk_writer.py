"""The full-build writer and the faster analysis paths produce what Whoosh's own code would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.corpus import article
from newsreader.library import parse_file
from newsreader.search.analysis import _SKELETON, skeleton
from newsreader.search.query import parse
from newsreader.search.schema import decode_positions, encode_positions
from tests.conftest import SEED


def _documents(tmp_path: Path) -> list[dict[str, Any]]:
    from newsreader.search.build import document

    folder = tmp_path / "docs"
    folder.mkdir()
    docs = [document(parse_file(SEED, "seed"))]
    for i in range(40):
        path = folder / f"a{i}.txt"
        path.write_text(article(i), encoding="utf-8")
        docs.append(document(parse_file(path, f"a{i}")))
    return docs


def _dump(folder: Path) -> tuple[Any, ...]:
    """Everything a reader sees: every posting with its block statistics, the term stats,
    stored fields, columns and field lengths."""
    from whoosh import index as windex

    from newsreader.search.schema import make_schema

    ix = windex.open_dir(str(folder), schema=make_schema(near=True))
    with ix.reader() as r:
        postings = {}
        for fieldname, btext in r.all_terms():
            ti = r.term_info(fieldname, btext)
            m = r.postings(fieldname, btext)
            rows = []
            while m.is_active():
                rows.append(
                    (
                        m.id(),
                        m.weight(),
                        m.value(),
                        m.block_max_weight(),
                        m.block_min_length(),
                        m.block_max_length(),
                    )
                )
                m.next()
            postings[(fieldname, btext)] = (
                ti.weight(),
                ti.doc_frequency(),
                ti.min_length(),
                ti.max_length(),
                ti.max_weight(),
                rows,
            )
        n = r.doc_count_all()
        stored = [r.stored_fields(i) for i in range(n)]
        lengths = [
            (r.doc_field_length(i, "body"), r.doc_field_length(i, "title")) for i in range(n)
        ]
        sigs = [r.column_reader("sig")[i] for i in range(n)]
        return postings, stored, lengths, sigs, r.field_length("body")


def test_bulk_writer_writes_what_whoosh_writes(tmp_path: Path) -> None:
    from whoosh import index as windex
    from whoosh.writing import SegmentWriter

    from newsreader.search.analysis import index_positions
    from newsreader.search.schema import make_schema
    from newsreader.search.whoosh_write import BulkWriter
    from newsreader.search.word_pairs import common_words

    docs = _documents(tmp_path)
    common = common_words(index_positions(doc["body"]) for doc in docs)
    dumps = []
    for cls in (SegmentWriter, BulkWriter):
        folder = tmp_path / cls.__name__
        folder.mkdir()
        ix = windex.create_in(str(folder), make_schema(common, near=True))
        writer = cls(ix)
        for doc in docs:
            # Whoosh's writer is given the derived fields; ours makes them from the body.
            derived = {"pairs_body": doc["body"], "near_body": doc["body"]}
            writer.add_document(**(doc | derived if cls is SegmentWriter else doc))
        writer.commit()
        dumps.append(_dump(folder))
    whoosh, ours = dumps
    assert len(whoosh[0]) > 1000
    pairs = [key for key in whoosh[0] if key[0] == "pairs_body"]
    assert len(pairs) > 100 and b"said that" in {btext for _f, btext in pairs}
    assert len([key for key in whoosh[0] if key[0] == "near_body"]) > 1000
    assert whoosh == ours


def test_positions_round_trip() -> None:
    for positions in ([0], [5, 9, 300], list(range(0, 70_000, 7_000)), [65_535], [65_536]):
        assert decode_positions(encode_positions(positions)).tolist() == positions


def test_skeleton_keeps_every_index() -> None:
    samples = [
        "Israel’s “truce” talks — Qatar",
        "Café ÉTÉ naïve",
        "İstanbul ẞ straße",
        "plain ascii",
        "K Kelvin ﬁ ligature",
        "",
    ]
    for text in samples:
        assert skeleton(text) == text.translate(_SKELETON)
        assert len(skeleton(text)) == len(text)


def test_whole_body_highlighting_equals_paragraph_by_paragraph() -> None:
    art = parse_file(SEED, "seed")
    paragraphs = [*art.paragraphs, "x" * 70 + " gaza", "Gaza’s al-Qanou said: “that” ..."]
    for text in (
        "gaza",
        "al-Qanou",
        "qanou",
        '"said that"',
        "evacu*",
        "ceasfire~",
        "the",
        "Israel's talks",
        "u.s.",
    ):
        hl = parse(text).highlighter
        assert hl.paragraph_spans(paragraphs) == [hl.spans(p) for p in paragraphs], text

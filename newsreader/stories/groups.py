"""Story groups: the connected components of the near-duplicate pairs among a scan's
articles, and keeping the store in line with the scan."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

from newsreader.library import Article, ArticleSummary, ParseError
from newsreader.stories.minhash import Signature, signature
from newsreader.stories.store import StoryStore

Progress = Callable[[int, int], None]


class SyncReport(NamedTuple):
    added: int = 0
    removed: int = 0


def sync(
    store: StoryStore,
    articles: Sequence[ArticleSummary],
    load: Callable[[ArticleSummary], Article],
    progress: Progress | None = None,
    signed: Mapping[str, bytes] | None = None,
    state: bytes = b"",
    hand_off: Callable[[int], bool] | None = None,
) -> SyncReport:
    """Give every article of the scan a signature (reading only those whose content the
    store has not seen, and not those whose signature is in ``signed``: ``story_signature``
    by content hash) and forget the content no article has any more. ``state``: the scan's
    catalog state; the store synced with that state last time is not compared again.
    ``hand_off``: given how many contents are unsigned, True when it had another process
    sign them (then only what that left is done here)."""
    if state and store.synced_to() == state:
        return SyncReport()
    # Another process may sign or forget between our batches (each commit lets it in):
    # then the store is not known to match this scan, and is not marked so.
    others = store.others_commits()
    known = store.known()
    # Each content's first row, not its summary: a packed list (``library/packed.py``)
    # builds a summary per row read, and keeping them all held ~800 bytes an article.
    wanted: dict[str, int] = {}
    for row, a in enumerate(articles):
        wanted.setdefault(a.content_hash, row)
    if hand_off is not None and hand_off(sum(1 for h in wanted if h not in known)):
        others = store.others_commits()  # its commits were asked for
        known = store.known()
    gone = [art for h, art in known.items() if h not in wanted]
    fresh = [articles[row] for h, row in wanted.items() if h not in known]
    if gone:
        store.remove(gone)
    for done, summary in enumerate(fresh, 1):
        made = signed.get(summary.content_hash) if signed else None
        if made is not None:
            store.add(summary.content_hash, Signature.from_bytes(made))
        else:
            try:
                paragraphs: tuple[str, ...] = load(summary).paragraphs
            except (ParseError, OSError):
                paragraphs = ()  # stored empty: read again only when the file changes
            store.add(summary.content_hash, signature(paragraphs))
        if done % 500 == 0:
            store.commit()
        if progress is not None:
            progress(done, len(fresh))
    if state and store.others_commits() == others:
        store.mark_synced(state)
    store.commit()
    return SyncReport(added=len(fresh), removed=len(gone))


class StoryGroups:
    """Which story each content hash belongs to. A story's id is the smallest content hash
    among its members, so it is the same for every member and does not depend on the
    order articles arrived in; an article without near-duplicates is its own story."""

    def __init__(self, pairs: Iterable[tuple[str, str]], present: Iterable[str]) -> None:
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            root = x
            while parent.get(root, root) != root:
                root = parent[root]
            while x != root:
                parent[x], x = root, parent[x]
            return root

        here = set(present)
        for a, b in pairs:
            if a not in here or b not in here:
                continue  # gone from the library: its pairs connect nothing
            parent.setdefault(a, a)
            parent.setdefault(b, b)
            ra, rb = find(a), find(b)
            if ra != rb:
                lo, hi = (ra, rb) if ra < rb else (rb, ra)
                parent[hi] = lo
        self._root = {h: find(h) for h in parent}

    def story(self, content_hash: str) -> str:
        """The story id of an article's content."""
        return self._root.get(content_hash, content_hash)

    def touches(self, hashes: Iterable[str]) -> bool:
        """Whether any of these contents is in a story with another."""
        return any(h in self._root for h in hashes)

    def grouped(self) -> dict[str, list[str]]:
        """Stories with more than one distinct content, to their members' hashes (sorted)."""
        out: dict[str, list[str]] = {}
        for h, root in self._root.items():
            out.setdefault(root, []).append(h)
        return {k: sorted(v) for k, v in out.items() if len(v) > 1}


def story_groups(store: StoryStore, articles: Sequence[ArticleSummary]) -> StoryGroups:
    """The groups among ``articles``, from the pairs in the store."""
    return StoryGroups(store.pairs(), (a.content_hash for a in articles))

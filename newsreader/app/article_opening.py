"""Everything needed to show an article, gathered off the UI thread. Plain Python, no Textual.

Reading the file, finding the query's matches and anchoring a bookmark block, so the screen
runs ``prepare`` in a worker. Marking the article opened is queued, never waited for: a store
that waits for a lock (up to 30 s) must not hold the article back. The margin marks of its
bookmarks are read afterwards (``bookmarks_by_paragraph``), for the same reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from newsreader.app.session import Session
from newsreader.library import Article, ArticleSummary
from newsreader.search.results import MatchSpan
from newsreader.state.models import Bookmark, ReadingState


@dataclass(frozen=True, slots=True)
class OpenRequest:
    """Why an article is being opened: from the list, a search hit or a bookmark."""

    summary: ArticleSummary
    query: str | None = None
    paragraph: int | None = None
    """Go here instead of the saved position (a search hit's best paragraph)."""
    bookmark: Bookmark | None = None
    state: ReadingState | None = None
    """The reading state the app already holds (fresher than the store while writes queue)."""


@dataclass(frozen=True, slots=True)
class OpenedArticle:
    """An article ready for the reader."""

    request: OpenRequest
    article: Article
    state: ReadingState | None
    paragraph: int
    offset: int
    matches: tuple[MatchSpan, ...] = ()
    bookmarked: frozenset[int] = field(default_factory=frozenset)
    notice: str | None = None


def prepare(session: Session, request: OpenRequest) -> OpenedArticle:
    """Load, mark opened and place an article; raises ParseError if the file is unreadable."""
    article = session.ctx.library.load(request.summary)
    state = request.state or _stored_state(session, request.summary)
    session.write(lambda store: store.mark_opened(request.summary))
    if state is not None:
        state = replace(state, read=True)
    paragraph, offset = (state.paragraph, state.offset) if state else (0, 0)
    matches: tuple[MatchSpan, ...] = ()
    notice = None
    if state is not None and _resumes(request, state):
        paragraph, offset = _saved_place(article, state)
    elif request.query:
        from newsreader.search import find_matches  # imports Whoosh's analysis (~100 ms once)

        matches = tuple(find_matches(request.query, article))
        paragraph, offset = request.paragraph or 0, 0
        if matches and not any(m.paragraph == paragraph for m in matches):
            paragraph = matches[0].paragraph  # the file changed since it was indexed
    elif request.paragraph is not None:
        paragraph, offset = request.paragraph, 0
    bookmarked: frozenset[int] = frozenset()
    if request.bookmark is not None:
        bookmarked, notice, anchored = _bookmarks(session, article, request.bookmark)
        paragraph = anchored if anchored is not None else request.bookmark.paragraph
        offset = 0
    last = max(len(article.paragraphs) - 1, 0)
    return OpenedArticle(
        request=request,
        article=article,
        state=state,
        paragraph=max(0, min(paragraph, last)),
        offset=offset,
        matches=matches,
        bookmarked=bookmarked,
        notice=notice,
    )


def _resumes(request: OpenRequest, state: ReadingState) -> bool:
    """Whether the article opens at its saved position: no search or bookmark asks for
    another place, and no paragraph other than the saved one is asked for (a live reload of
    the open article asks for the saved one, which may have moved)."""
    if request.query or request.bookmark is not None:
        return False
    return request.paragraph is None or request.paragraph == state.paragraph


def _saved_place(article: Article, state: ReadingState) -> tuple[int, int]:
    """The saved (paragraph, offset), moved to where its passage is now when the text
    changed; the old place when the passage cannot be found with confidence."""
    if state.quote:
        from newsreader.state.position import relocate_position  # difflib & co: on demand

        at = _text_offset(article, state.paragraph, state.offset)
        found = relocate_position(article.paragraphs, state.paragraph, at, state.quote)
        if found is not None and found != (state.paragraph, at):
            return found
    return state.paragraph, state.offset


def _text_offset(article: Article, paragraph: int, offset: int) -> int:
    """A saved offset as a place in the paragraph's text: one past its end says where the
    view's top was above the paragraph (``Page.view_anchor``), and its text starts at 0."""
    if 0 <= paragraph < len(article.paragraphs) and offset >= len(article.paragraphs[paragraph]):
        return 0
    return offset


def quote_at(article: Article | None, summary: ArticleSummary, paragraph: int, offset: int) -> str:
    """The text at a reading position of ``summary``, to save with it; "" unless ``article``
    is that article with that text (a position reported late, after another was opened)."""
    if (
        article is None
        or article.id != summary.id
        or (article.content_hash != summary.content_hash)
    ):
        return ""
    from newsreader.state.position import position_quote

    return position_quote(article.paragraphs, paragraph, _text_offset(article, paragraph, offset))


def _stored_state(session: Session, summary: ArticleSummary) -> ReadingState | None:
    store = session.store()
    return store.reading_state(summary) if store is not None else None


def bookmarks_by_paragraph(session: Session, article: Article) -> dict[int, Bookmark]:
    """The first bookmark (in text order) of each paragraph of ``article`` that holds one,
    as anchored in its current text."""
    store = session.store()
    if store is None:
        return {}
    found: dict[int, Bookmark] = {}
    for bookmark in store.bookmarks(article.id):
        anchor = store.anchor(bookmark, article)
        if anchor is not None:
            found.setdefault(anchor.paragraph, bookmark)
    return found


def _bookmarks(
    session: Session, article: Article, wanted: Bookmark | None
) -> tuple[frozenset[int], str | None, int | None]:
    store = session.store()
    if store is None:
        return frozenset(), None, None
    paragraphs: set[int] = set()
    found: int | None = None
    for bookmark in store.bookmarks(article.id):
        anchor = store.anchor(bookmark, article)
        if anchor is not None:
            paragraphs.add(anchor.paragraph)
            if wanted is not None and bookmark.uuid == wanted.uuid:
                found = anchor.paragraph
    notice = None
    if wanted is not None and found is None:
        notice = "The bookmarked passage is no longer in this article; showing where it was."
    return frozenset(paragraphs), notice, found

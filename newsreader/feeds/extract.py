"""Find the article in a web page (title, date, byline, main text) with trafilatura."""

from __future__ import annotations

from datetime import date

from newsreader.feeds.article_file import ArticleDraft, looks_like_article


class NotAnArticle(Exception):
    """The page holds no article text; ``str(error)`` is the one-line reason."""


def extract_page(html: bytes, url: str | None = None, charset: str | None = None) -> ArticleDraft:
    """The article in ``html``; raises NotAnArticle for pages without prose (menus, logins)."""
    # trafilatura costs ~200-290 ms to import (lxml, courlan, htmldate, justext): keep it here.
    import trafilatura

    document: str | bytes = html
    if charset:
        try:
            document = html.decode(charset, errors="replace")
        except LookupError:
            document = html  # unknown charset name: let trafilatura detect it
    try:
        found = trafilatura.bare_extraction(
            document,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            # The extensive search took a footer's "Copyright 2019" for the article's date.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # lxml and trafilatura raise many types on broken markup
        raise NotAnArticle(f"cannot read the page ({exc.__class__.__name__})") from None
    if found is None or isinstance(found, dict):
        raise NotAnArticle("no article text found on the page")
    paragraphs = tuple(line.strip() for line in (found.text or "").split("\n") if line.strip())
    if not looks_like_article(paragraphs):
        raise NotAnArticle("no article text found on the page")
    canonical = found.url if found.url and found.url != url else None
    return ArticleDraft(
        title=found.title or "",
        date=_iso_date(found.date),
        paragraphs=paragraphs,
        author=found.author or None,
        canonical_url=canonical,
    )


def _iso_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None

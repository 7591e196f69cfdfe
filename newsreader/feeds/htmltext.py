"""HTML fragments (feed summaries and content) to plain paragraphs, with the standard library.

Feed text is short and already chosen by the publisher, so a block-level split is enough;
whole pages go through trafilatura instead (see ``extract``).
"""

from __future__ import annotations

from html.parser import HTMLParser

_BLOCKS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "tr",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "figure",
        "figcaption",
        "hr",
        "dd",
        "dt",
        "dl",
        "aside",
        "main",
    }
)
_SKIP = frozenset(
    {
        "script",
        "style",
        "noscript",
        "iframe",
        "svg",
        "form",
        "button",
        "nav",
        "template",
        "object",
        "select",
        "textarea",
    }
)


class _Paragraphs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._current: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip_depth += 1
        elif tag in _BLOCKS:
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self._current.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.paragraphs.append(text)
        self._current = []

    def close(self) -> None:
        super().close()
        self._flush()


def html_paragraphs(fragment: str) -> list[str]:
    """Paragraphs of visible text in an HTML fragment (plain text comes back as one paragraph
    per blank-line separated block)."""
    if "<" not in fragment:
        blocks = fragment.replace("\r\n", "\n").split("\n\n")
        return [p for p in (" ".join(b.split()) for b in blocks) if p]
    parser = _Paragraphs()
    parser.feed(fragment)
    parser.close()
    return parser.paragraphs


def html_text(fragment: str) -> str:
    """One line of visible text (for titles and author names that may carry markup)."""
    return " ".join(" ".join(html_paragraphs(fragment)).split())

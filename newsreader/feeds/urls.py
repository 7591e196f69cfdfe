"""Web addresses: checking, normalizing (so one article has one key) and short stable hashes."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from newsreader.library.text import clean_line

# Query parameters that only say where a click came from; they must not make a second copy.
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_")
_TRACKING = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "igshid",
        "ocid",
        "cmpid",
        "ref_src",
        "_ga",
        "mkt_tok",
        "yclid",
    }
)


class BadUrl(ValueError):
    """Not an http(s) address; ``str(error)`` is the one-line reason."""


def check_web_url(url: str) -> str:
    """Return ``url`` stripped, or raise BadUrl when it is not an http(s) address with a host."""
    url = url.strip()
    shown = clean_line(url, 200)  # addresses come from feeds and redirects: data, not markup
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a port like ":99999" or ":x"
    except ValueError as exc:
        raise BadUrl(f"not a web address: {shown} ({clean_line(str(exc))})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise BadUrl(f"not a web address (need http:// or https://): {shown}")
    if not parts.hostname:
        raise BadUrl(f"not a web address (no host): {shown}")
    if any(c.isspace() for c in url):
        raise BadUrl(f"not a web address (contains spaces): {shown}")
    if any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in url):
        raise BadUrl(f"not a web address (contains control characters): {shown}")
    return url


def web_url_or_none(url: str) -> str | None:
    """``check_web_url(url)``, or None where that refuses it: for an address that is only
    kept when usable (a feed's web site), never a reason to refuse what holds it."""
    try:
        return check_web_url(url) or None
    except BadUrl:
        return None


def normalize_url(url: str) -> str:
    """The form used to recognise the same article: lower-case scheme and host, no default port,
    no fragment, no tracking parameters. Path and other parameters are kept as they are."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address keeps its brackets, or its port would be ambiguous
    port = parts.port
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, urlencode(query, doseq=True), ""))


def _is_tracking(key: str) -> bool:
    low = key.lower()
    return low in _TRACKING or low.startswith(_TRACKING_PREFIXES)


def url_hash(key: str) -> str:
    """Ten hex digits identifying one article key; part of the article's file name."""
    return hashlib.sha1(key.encode("utf-8", "surrogateescape")).hexdigest()[:10]


def host_of(url: str) -> str:
    """The lower-case host of ``url`` (empty when it has none)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""

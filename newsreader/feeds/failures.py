"""One line a user understands for a request that failed, from urllib3's nested exceptions.

What a server sent (a status line, a header) can be quoted, always cleaned and cut short.
"""

from __future__ import annotations

from typing import Any

from newsreader.feeds.urls import host_of
from newsreader.library.text import clean_line


def describe(exc: BaseException, url: str, timeout: float) -> str:
    """The reason ``exc`` gives for ``url`` failing; ``timeout`` is the silence allowed."""
    import http.client  # loaded by urllib3 already; here only once a request failed

    from urllib3 import exceptions as x

    host = host_of(url) or clean_line(url, 200)
    reason: Any = exc.reason if isinstance(exc, x.MaxRetryError) else exc
    if isinstance(reason, x.NameResolutionError):
        return f"cannot reach {host}: host not found"
    if isinstance(reason, x.NewConnectionError):  # a subclass of ConnectTimeoutError
        text = str(reason).lower()
        why = "connection refused" if "refused" in text else "connection failed"
        return f"cannot reach {host}: {why}"
    if isinstance(reason, x.ConnectTimeoutError):
        return f"cannot reach {host}: timed out after {timeout:g} s"
    if isinstance(reason, x.ReadTimeoutError | TimeoutError):
        return f"{host} stopped answering (timed out after {timeout:g} s)"
    if isinstance(reason, x.SSLError):
        return f"cannot reach {host}: TLS error"
    if isinstance(reason, x.DecodeError):
        return f"{host} sent a corrupt compressed body"
    if isinstance(reason, x.ProtocolError | http.client.HTTPException | ConnectionError):
        return f"{host} {_broken(reason)}"
    if isinstance(reason, x.LocationValueError | x.LocationParseError | ValueError):
        return f"not a web address: {clean_line(url, 200)}"
    return f"cannot fetch {clean_line(url, 200)}: {reason.__class__.__name__}"


def _broken(exc: BaseException) -> str:
    """What went wrong with a connection that was made: the innermost cause, in words."""
    import http.client

    from urllib3 import exceptions as x

    # urllib3 wraps http.client's error: ProtocolError("Connection aborted.", cause).
    while (
        isinstance(exc, x.ProtocolError)
        and len(exc.args) > 1
        and isinstance(exc.args[1], BaseException)
    ):
        exc = exc.args[1]
    if isinstance(exc, http.client.RemoteDisconnected):
        return "closed the connection without answering"
    if isinstance(exc, x.InvalidChunkLength):  # before IncompleteRead, its base class
        return "sent a malformed chunked body"
    if isinstance(exc, x.IncompleteRead | http.client.IncompleteRead):
        got = exc.partial if isinstance(exc.partial, int) else len(exc.partial)
        more = f", {exc.expected} more expected" if exc.expected else ""
        return f"closed the connection before the answer was complete ({got} bytes{more})"
    if isinstance(exc, http.client.LineTooLong):
        return "sent a line that is too long"
    if isinstance(exc, http.client.BadStatusLine):
        line = clean_line(str(exc.args[0]) if exc.args else "", 60)
        return f"sent a malformed status line ({line!r})"
    if isinstance(exc, ConnectionResetError):
        return "reset the connection"
    if isinstance(exc, http.client.HTTPException) and "headers" in str(exc):
        return "sent too many headers"
    text = clean_line(str(exc), 100)
    return f"broke the connection ({exc.__class__.__name__}{': ' + text if text else ''})"

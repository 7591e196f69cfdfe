"""The user's configuration: one typed object read once from ``config.toml``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from newsreader.errors import UserError

KNOWN_KEYS = frozenset(
    {
        "library",
        "theme",
        "keys",
        "articles_dir",
        "fetch",
        "reopen_last",
        "list_width",
        "fetch_interval",
        "search_server_minutes",
        "sync_dir",
        "read_versions_together",
    }
)
FETCH_KEYS = frozenset(
    {"deadline", "connect_timeout", "read_timeout", "extract_seconds", "allow_local"}
)


class FetchSettings(NamedTuple):
    """The ``[fetch]`` table: limits for ``add``, ``fetch`` and ``feeds add`` (None: default)."""

    deadline: float | None = None
    """Seconds for one whole request, redirects and headers included."""
    extract_seconds: float | None = None
    """Seconds to read one page (its article) or one feed (its entries)."""
    allow_local: bool = False
    """Redirects and entry links may lead to any loopback, private or link-local address."""
    local_hosts: tuple[str, ...] = ()
    """Such addresses allowed by name: ``host`` (any port) or ``host:port``."""
    connect_timeout: float | None = None
    """Seconds to connect to a server (or to the proxy)."""
    read_timeout: float | None = None
    """Seconds a server (or the proxy) may be silent while answering."""


class Config(NamedTuple):
    """Settings from config.toml; every field has a default so a missing file is fine."""

    library: tuple[Path, ...] = ()
    theme: str | None = None
    keys: dict[str, str] = {}  # noqa: RUF012 (one for every default config: never changed)
    """Key overrides: binding id -> comma-separated keys, passed to ``App.set_keymap``."""
    articles_dir: Path | None = None
    """Where ``add`` and ``fetch`` save articles; default: ``articles`` in the data dir."""
    fetch: FetchSettings = FetchSettings()
    reopen_last: bool = True
    """On start, reopen the article last read, where it was left."""
    list_width: int | None = None
    """Columns of the article list beside the reader (None: sized to leave the reader ~72)."""
    fetch_interval: float | None = None
    """Minutes between background fetches of every feed while the app runs (None: off)."""
    search_server_minutes: float = 10.0
    """How long the search server (``cli/search_server.py``) waits for the next ``search``
    before it exits; 0: no server, every search runs in its own process."""
    sync_dir: Path | None = None
    """A folder another program keeps the same on every device (Syncthing, Dropbox…):
    reading state, bookmarks and feeds are synced through it (None: no sync)."""
    read_versions_together: bool = True
    """Opening one version of a story marks its other versions read too."""


def load_config(path: Path) -> Config:
    """Read ``path``; a missing file gives defaults, a bad one raises a one-line UserError."""
    import stat

    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO would hold every start
            raise UserError(f"cannot read config {path}: not a regular file")
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config()
    except OSError as exc:
        raise UserError(f"cannot read config {path}: {exc.strerror}") from None
    import tomllib  # only when there is a file: most starts have none (~5 ms)

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"bad config {path}: {exc}") from None
    except RecursionError:
        raise UserError(f"bad config {path}: arrays or tables nested too deeply") from None
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise UserError(f"bad config {path}: unknown key {unknown[0]!r}")
    return Config(
        library=_library(data.get("library", []), path),
        theme=_optional_str(data.get("theme"), "theme", path),
        keys=_keys(data.get("keys", {}), path),
        articles_dir=_folder(data.get("articles_dir"), "articles_dir", path),
        fetch=_fetch(data.get("fetch", {}), path),
        reopen_last=_bool(data.get("reopen_last", True), "reopen_last", path),
        list_width=_width(data.get("list_width"), path),
        fetch_interval=_interval(data.get("fetch_interval"), path),
        search_server_minutes=_server_minutes(data.get("search_server_minutes", 10.0), path),
        sync_dir=_folder(data.get("sync_dir"), "sync_dir", path),
        read_versions_together=_bool(
            data.get("read_versions_together", True), "read_versions_together", path
        ),
    )


def _fetch(value: object, path: Path) -> FetchSettings:
    if not isinstance(value, dict):
        raise UserError(f"bad config {path}: [fetch] must be a table")
    unknown = sorted(set(value) - FETCH_KEYS)
    if unknown:
        raise UserError(f"bad config {path}: unknown key {unknown[0]!r} in [fetch]")
    allow = value.get("allow_local", False)
    if isinstance(allow, list) and all(isinstance(h, str) and h.strip() for h in allow):
        allow_all, hosts = False, tuple(h.strip().lower() for h in allow)
    elif isinstance(allow, bool):
        allow_all, hosts = allow, ()
    else:
        raise UserError(
            f"bad config {path}: 'allow_local' in [fetch] must be true, false or "
            "a list of host or host:port strings"
        )
    return FetchSettings(
        deadline=_seconds(value.get("deadline"), "deadline", path),
        connect_timeout=_seconds(value.get("connect_timeout"), "connect_timeout", path),
        read_timeout=_seconds(value.get("read_timeout"), "read_timeout", path),
        extract_seconds=_seconds(value.get("extract_seconds"), "extract_seconds", path),
        allow_local=allow_all,
        local_hosts=hosts,
    )


def _seconds(value: object, name: str, path: Path) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 3600:
        raise UserError(
            f"bad config {path}: {name!r} in [fetch] must be a number of seconds between 0 and 3600"
        )
    return float(value)


def _bool(value: object, name: str, path: Path) -> bool:
    if isinstance(value, bool):
        return value
    raise UserError(f"bad config {path}: {name!r} must be true or false")


def _width(value: object, path: Path) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 20 <= value <= 400:
        return value
    raise UserError(f"bad config {path}: 'list_width' must be a number of columns, 20 to 400")


MAX_INTERVAL = 7 * 24 * 60
"""The longest ``fetch_interval``, in minutes (a week)."""


def _interval(value: object, path: Path) -> float | None:
    if value is None or value is False or value == 0:
        return None  # off
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 1 <= value <= MAX_INTERVAL
    ):
        raise UserError(
            f"bad config {path}: 'fetch_interval' must be a number of minutes, "
            f"1 to {MAX_INTERVAL} (0 or leaving it out: no background fetching)"
        )
    return float(value)


def _server_minutes(value: object, path: Path) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1440:
        return float(value)
    raise UserError(
        f"bad config {path}: 'search_server_minutes' must be a number of minutes, "
        "0 (no search server) to 1440"
    )


def _library(value: object, path: Path) -> tuple[Path, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UserError(f"bad config {path}: 'library' must be a list of folder paths")
    base = path.parent
    return tuple((base / Path(v).expanduser()) for v in value)


def _folder(value: object, name: str, path: Path) -> Path | None:
    """An optional folder path; relative paths are relative to the config file's folder."""
    text = _optional_str(value, name, path)
    if text is None:
        return None
    if not text.strip():
        raise UserError(f"bad config {path}: {name!r} must not be empty")
    return path.parent / Path(text).expanduser()


def _optional_str(value: object, name: str, path: Path) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise UserError(f"bad config {path}: {name!r} must be a string")


def _keys(value: object, path: Path) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise UserError(f"bad config {path}: [keys] must map binding ids to key strings")
    return dict(value)


_THEME_LINE = re.compile(r"^\s*theme\s*=.*$", re.MULTILINE)


def save_theme(path: Path, theme: str) -> None:
    """Persist the theme choice, keeping the rest of the file (and its comments) as it is.
    The file is replaced atomically, through a symlink; OSError when it cannot be."""
    from newsreader.filewrite import WriteError, resolve_target, write_atomic

    try:
        target = resolve_target(path)  # before reading: a FIFO would block the read
    except WriteError as exc:
        raise OSError(str(exc)) from None
    try:
        text = target.read_text("utf-8")
    except FileNotFoundError:
        text = ""
    line = f"theme = {_toml_string(theme)}"
    if _THEME_LINE.search(text):
        text = _THEME_LINE.sub(line, text, count=1)
    else:
        # Top-level keys must precede any [table], so put it first.
        text = line + "\n" + text
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_atomic(target, text.encode("utf-8"))
    except WriteError as exc:
        raise OSError(str(exc)) from None


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

"""Where newsreader keeps its files: per-user data, cache and config dirs, and the bundled seeds."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import NamedTuple

from newsreader.errors import UserError

APP_NAME = "newsreader"


class AppPaths(NamedTuple):
    """The per-user folders and the files inside them."""

    data_dir: Path
    cache_dir: Path
    config_dir: Path
    config_path: Path | None = None
    """A config file chosen with ``--config``; None: ``config.toml`` in ``config_dir``."""

    @property
    def state_file(self) -> Path:
        """The SQLite file with reading state and bookmarks: the only data not rebuildable."""
        return self.data_dir / "state.sqlite3"

    @property
    def snapshot_dir(self) -> Path:
        """Rotating backups of the state file."""
        return self.data_dir / "snapshots"

    @property
    def config_file(self) -> Path:
        """The user's TOML configuration."""
        return self.config_path or self.config_dir / "config.toml"

    @property
    def index_root(self) -> Path:
        """Parent folder of the search indexes (one per set of library roots)."""
        return self.cache_dir / "index"

    def index_dir(self, roots: tuple[Path, ...]) -> Path:
        """The index folder for one set of library roots, so two libraries never share one."""
        return self.index_root / roots_key(roots)

    def catalog_file(self, roots: tuple[Path, ...]) -> Path:
        """The stat cache of one set of library roots."""
        return self.cache_dir / "catalog" / f"{roots_key(roots)}.sqlite3"

    def stories_file(self, roots: tuple[Path, ...]) -> Path:
        """The near-duplicate signatures and pairs of one set of library roots: beside the
        index, not in it, so a rebuilt index keeps them."""
        return self.cache_dir / "stories" / f"{roots_key(roots)}.sqlite3"


def roots_key(roots: tuple[Path, ...]) -> str:
    """A short stable name for a set of library roots (order-insensitive)."""
    joined = "\0".join(sorted(str(r.resolve()) for r in roots))
    return hashlib.sha1(joined.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def app_paths() -> AppPaths:
    """Compute the per-user folders; honours the XDG_* variables on Linux. Creates nothing."""
    # platformdirs costs ~5 ms to import; only needed here.
    from platformdirs import PlatformDirs

    dirs = PlatformDirs(APP_NAME, appauthor=False)
    return AppPaths(
        data_dir=Path(dirs.user_data_dir),
        cache_dir=Path(dirs.user_cache_dir),
        config_dir=Path(dirs.user_config_dir),
    )


def ensure_dir(path: Path, what: str) -> Path:
    """Create ``path`` (and parents) or raise a one-line UserError naming ``what`` failed."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise UserError(f"cannot create the {what} folder {path}: {reason}") from None
    if not path.is_dir():
        raise UserError(f"the {what} folder {path} is not a folder")
    return path


def bundled_seeds() -> Path:
    """The articles shipped with the package: inside the wheel, or the repo's seeds/ when run
    from a checkout or an editable install."""
    here = Path(__file__).resolve().parent
    packaged = here / "_seeds"
    if packaged.is_dir():
        return packaged
    return here.parent / "seeds"


def env_library() -> tuple[Path, ...]:
    """Library roots from ``NEWSREADER_LIBRARY`` (os.pathsep separated); empty when unset."""
    raw = os.environ.get("NEWSREADER_LIBRARY", "")
    return tuple(Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip())

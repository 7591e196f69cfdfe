"""Everything a command or the app needs, resolved once: per-user paths, config and library."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from newsreader.config import Config, load_config
from newsreader.errors import UserError
from newsreader.library import Library
from newsreader.paths import AppPaths, app_paths, bundled_seeds, env_library


class Resident:
    """What a process that runs many commands (the search server) keeps from one to the next:
    each library, whose last scan is where the next one starts, and each open search index."""

    __slots__ = ("indexes", "libraries", "stories")

    def __init__(self) -> None:
        self.libraries: dict[tuple[Path, ...], Library] = {}
        self.indexes: dict[Path, object] = {}
        """``SearchIndex`` by folder (not named here: the search layer sits above this module)."""
        self.stories: dict[Path, tuple[bytes, object]] = {}
        """The story groups of the last scan, by store file, with that scan's catalog state."""


class AppContext(NamedTuple):
    """Resolved settings shared by the CLI subcommands and the TUI."""

    paths: AppPaths
    config: Config
    library: Library
    library_source: str
    """Where the roots came from: "--library", "NEWSREADER_LIBRARY", "config" or "seeds"."""
    resident: Resident | None = None
    """Set in a process that runs many commands: keep what is opened, do not close it."""

    @property
    def articles_dir(self) -> Path:
        """Where ``add`` and ``fetch`` save articles (config ``articles_dir`` or the default)."""
        return articles_folder(self.paths, self.config)

    @property
    def index_dir(self) -> Path:
        """The search index folder for this library."""
        return self.paths.index_dir(self.library.roots)

    @property
    def stories_file(self) -> Path:
        """The near-duplicate store for this library."""
        return self.paths.stories_file(self.library.roots)


def articles_folder(paths: AppPaths, config: Config) -> Path:
    """The folder saved articles go to: config ``articles_dir``, else ``<data dir>/articles``."""
    return config.articles_dir or paths.data_dir / "articles"


def choose_roots(
    cli_roots: list[Path], config: Config, articles_dir: Path | None = None
) -> tuple[tuple[Path, ...], str]:
    """Library roots, strongest first: --library, NEWSREADER_LIBRARY, config, bundled seeds.

    The saved-articles folder joins the config and seeds cases once it holds an article; an
    explicit --library or NEWSREADER_LIBRARY means exactly those folders (scripts and tests
    rely on that), so it is not added there.
    """
    if cli_roots:
        return tuple(cli_roots), "--library"
    env = env_library()
    if env:
        return env, "NEWSREADER_LIBRARY"
    extra = (articles_dir,) if articles_dir is not None and _has_articles(articles_dir) else ()
    if config.library:
        chosen = config.library
        return chosen + tuple(e for e in extra if e not in chosen), "config"
    return (bundled_seeds(), *extra), "seeds"


def _has_articles(folder: Path) -> bool:
    """True when ``folder`` is a folder with at least one visible entry (the scanner skips
    hidden ones, such as the feeds' ``.sources.json``)."""
    try:
        with os.scandir(folder) as it:
            return any(not e.name.startswith(".") for e in it)
    except OSError:
        return False


def build_context(
    cli_roots: list[Path] | None = None,
    paths: AppPaths | None = None,
    config_file: Path | None = None,
    resident: Resident | None = None,
) -> AppContext:
    """Resolve paths, read config, pick the library roots; raises UserError on bad input.

    ``config_file`` (``--config``) must exist: a file named on purpose and missing is a typo,
    not a wish for the defaults. With ``resident`` (a caller that runs many commands) the
    same roots give back the same ``Library``, watching its folders."""
    paths = paths or app_paths()
    if config_file is not None:
        config_file = config_file.expanduser()
        if not config_file.exists():
            raise UserError(f"cannot read config {config_file}: no such file")
        paths = paths._replace(config_path=config_file)
    config = load_config(paths.config_file)
    roots, source = choose_roots(list(cli_roots or []), config, articles_folder(paths, config))
    expanded = tuple(Path(r).expanduser() for r in roots)
    # Keyed by absolute paths: a served command's relative --library is relative to its folder.
    key = tuple(Path(os.path.abspath(r)) for r in expanded)
    library = resident.libraries.get(key) if resident is not None else None
    if library is None or library.catalog_file != paths.catalog_file(expanded):
        library = Library(roots, paths.catalog_file(expanded))
        if resident is not None:
            library.watch_folders = True  # scanned again and again: no walk when unchanged
            resident.libraries[key] = library
    library.check_roots()
    return AppContext(
        paths=paths, config=config, library=library, library_source=source, resident=resident
    )

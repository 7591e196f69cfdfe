"""Everything a command or the app needs, resolved once: per-user paths, config and library."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from newsreader.config import Config, load_config
from newsreader.library import Library
from newsreader.paths import AppPaths, app_paths, bundled_seeds, env_library


@dataclass(frozen=True, slots=True)
class AppContext:
    """Resolved settings shared by the CLI subcommands and the TUI."""

    paths: AppPaths
    config: Config
    library: Library
    library_source: str
    """Where the roots came from: "--library", "NEWSREADER_LIBRARY", "config" or "seeds"."""

    @property
    def index_dir(self) -> Path:
        """The search index folder for this library."""
        return self.paths.index_dir(self.library.roots)


def choose_roots(cli_roots: list[Path], config: Config) -> tuple[tuple[Path, ...], str]:
    """Library roots, strongest first: --library, NEWSREADER_LIBRARY, config, bundled seeds."""
    if cli_roots:
        return tuple(cli_roots), "--library"
    env = env_library()
    if env:
        return env, "NEWSREADER_LIBRARY"
    if config.library:
        return config.library, "config"
    return (bundled_seeds(),), "seeds"


def build_context(cli_roots: list[Path] | None = None, paths: AppPaths | None = None) -> AppContext:
    """Resolve paths, read config, pick the library roots; raises UserError on bad input."""
    paths = paths or app_paths()
    config = load_config(paths.config_file)
    roots, source = choose_roots(list(cli_roots or []), config)
    library = Library(roots, paths.catalog_file(tuple(Path(r).expanduser() for r in roots)))
    library.check_roots()
    return AppContext(paths=paths, config=config, library=library, library_source=source)

"""Allow ``python -m newsreader.cli``."""

from newsreader.cli import main

raise SystemExit(main())

"""``python -m directory``: see ``directory.cli``."""

from directory.cli import main

raise SystemExit(main())

"""`python -m assistant.cli` runs the `zhice` command."""

import sys

from assistant.cli import main

sys.exit(main())

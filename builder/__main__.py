"""python -m builder: the command line."""

import sys

from builder.cli.commands import main

sys.exit(main())

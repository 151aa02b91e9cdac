"""Entry point for ``python -m tests.real_es`` (see :mod:`tests.real_es.cli`)."""

import sys

from .cli import main

sys.exit(main())

"""``python -m gateway_stack``: see :mod:`gateway_stack.cli`."""

import sys

from .cli import main

sys.exit(main())

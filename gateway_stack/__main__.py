"""``python -m gateway_stack``: see :mod:`gateway_stack.tools.cli`."""

import sys

from gateway_stack.tools.cli import main

sys.exit(main())

#!/usr/bin/env python3
"""The gateway app: reads one gateway file and builds its stacks.

    cdk synth                                   # the file named by the 'gateway' context
    cdk synth -c gateway=config/prod.yaml       # another one (make synth GATEWAY=...)
    cdk synth -c services=orders,billing        # every platform stack, and only these
                                                # services' stacks (make synth SERVICES=...)

A selective synth still checks the whole gateway file; a service name the file does not have
is refused (the message lists its services) and cdk.out is left as it was.

A gateway file with errors prints every error, one per line, and exits 1 before anything is
written to cdk.out; so does a construct that fails its own checks during synth.
"""

from __future__ import annotations

import sys

from gateway_stack.tools.cli import run_app

if __name__ == "__main__":
    sys.exit(run_app())

"""What a service team imports: the constructs that put a service's API on a platform, and the
checks around them (cdk-nag acknowledgments, quota guards, synthesis with readable errors).

Nothing here reads a gateway file: every construct takes typed props. Layer: above the leaves
(:mod:`gateway_stack.openapi`, :mod:`gateway_stack.models`, :mod:`gateway_stack.naming`), below
:mod:`gateway_stack.gateway`.
"""

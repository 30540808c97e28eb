"""The gateway app: a gateway file's model (:mod:`~gateway_stack.gateway.config`), its stacks, and
the platform's own constructs (:mod:`~gateway_stack.gateway.platform`).

Layer: above :mod:`gateway_stack.constructs`, below :mod:`gateway_stack.tools`.
"""

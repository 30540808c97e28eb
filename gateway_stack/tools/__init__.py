"""The commands (``python -m gateway_stack ...``): validate, summary, routes, review, policy,
snapshots, clients. They read gateway files and synthesized cloud assemblies (``cdk.out``).

Layer: the top; nothing in the package imports from here.
"""

"""The platform stack's constructs: the shared authorizer and plan-membership functions, the
custom domain, the load balancers' VPC links, usage plans and keys, the web ACL, log encryption
and the gateway-wide dashboard; and the service stacks' synthetic canaries (``canaries``, with
their code in ``canary_code``)."""

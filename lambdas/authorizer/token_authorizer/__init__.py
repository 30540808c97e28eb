"""The token authorizer's building blocks; ``handler.py`` at the code root wires them together.

One concept per module:

- ``settings``: configuration read once from the environment, validated.
- ``errors``: the private error types the handler turns into a 401 or a Deny.
- ``arn``: parsing the ``methodArn`` API Gateway sends.
- ``jwks_fetch`` / ``jwks``: fetching the issuer's key set with a hard deadline, and caching it.
- ``tokens``: verifying the bearer token.
- ``aws_clients`` / ``ttl_cache``: lazily created boto3 clients, a small TTL cache.
- ``api_keys``: the client's API key value, read from API Gateway and cached.
- ``permissions``: the per-API permission maps published in SSM Parameter Store.
- ``route_language`` / ``route_policy``: which execute-api resource patterns to allow and deny.
- ``policy``: the authorizer response (IAM policy, usage key, flat context).
- ``telemetry``: Powertools logger, metrics and tracer with safe defaults.
- ``authorize``: the decision for one event.
"""

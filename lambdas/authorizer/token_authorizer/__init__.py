"""The authorizer's building blocks; ``handler.py`` at the code root wires them together.

One concept per module:

- ``settings``: configuration read once from the environment, validated.
- ``errors``: the private error types the handler turns into a 401 or a Deny.
- ``arn``: parsing the ``methodArn`` API Gateway sends.
- ``jwks_fetch`` / ``jwks``: fetching the issuer's key set with a hard deadline, and caching it.
- ``request_credentials``: the one credential of a TOKEN or REQUEST event (header, any case of its
  name; a configured header or query parameter; duplicates and ambiguity refused).
- ``tokens``: verifying the bearer token.
- ``basic`` / ``basic_records``: Basic credentials against scrypt hashes stored in SSM, with a
  keyed-hash cache of verified credentials and a per-client failure limit (docs/auth-modes.md).
- ``aws_clients`` / ``ttl_cache``: lazily created boto3 clients, a small TTL cache.
- ``api_keys``: the client's API key value, read from API Gateway and cached.
- ``permissions``: the per-API permission maps published in SSM Parameter Store.
- ``route_language`` / ``route_policy``: which execute-api resource patterns to allow and deny.
- ``policy``: the authorizer response (IAM policy, usage key, flat context).
- ``telemetry``: Powertools logger, metrics and tracer with safe defaults.
- ``authorize``: the decision for one event.
"""

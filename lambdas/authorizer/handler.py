"""Lambda entry point of the authorizer (handler string ``handler.handler``): TOKEN and REQUEST
events, bearer JWTs and (when configured) Basic credentials.

The boundary: whatever happens inside, the function either returns a well-formed authorizer
response (Allow or Deny policy) or raises ``Exception("Unauthorized")``, API Gateway's 401.
Configuration is read at import; an invalid configuration fails the function's init.
"""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any

from token_authorizer import telemetry
from token_authorizer.api_keys import ApiKeyStore
from token_authorizer.authorize import ALLOW, UNAUTHORIZED, Authorizer, Decision
from token_authorizer.aws_clients import AwsClients
from token_authorizer.jwks import JwksCache
from token_authorizer.request_credentials import CredentialSources
from token_authorizer.settings import load_settings
from token_authorizer.tokens import TokenVerifier

SETTINGS = load_settings()
logger = telemetry.make_logger(SETTINGS.service_name)
metrics = telemetry.make_metrics(SETTINGS.metrics_namespace, SETTINGS.service_name)
tracer = telemetry.LazyTracer(SETTINGS.service_name, logger)  # built on the first call


def _count_jwks_fetch(ok: bool) -> None:
    metrics.add_metric(name="JwksFetch" if ok else "JwksFetchFailed", unit=telemetry.COUNT, value=1)


JWKS = JwksCache(
    SETTINGS.jwks_uri,
    timeout=SETTINGS.jwks_timeout_seconds,
    lifespan=SETTINGS.jwks_cache_seconds,
    cooldown=SETTINGS.jwks_min_refresh_seconds,
    max_stale=SETTINGS.jwks_max_stale_seconds,
    on_fetch=_count_jwks_fetch,
)
AWS_CLIENTS = AwsClients(before_first_client=telemetry.botocore_patcher(tracer))
API_KEYS = ApiKeyStore(
    SETTINGS.api_key_name_prefix,
    ttl=SETTINGS.api_key_cache_seconds,
    negative_ttl=SETTINGS.api_key_negative_cache_seconds,
    clients=AWS_CLIENTS,
    warn=logger.warning,
)
PERMISSIONS = None
ROUTE_POLICIES = None
if SETTINGS.permissions_parameter_prefix:  # scope maps: their modules load only when configured
    from token_authorizer.permissions import PermissionStore
    from token_authorizer.route_policy import RoutePolicyCache

    PERMISSIONS = PermissionStore(
        SETTINGS.permissions_parameter_prefix,
        ttl=SETTINGS.permissions_cache_seconds,
        absent_ttl=SETTINGS.permissions_absent_cache_seconds,
        clients=AWS_CLIENTS,
    )
    ROUTE_POLICIES = RoutePolicyCache()
BASIC = None
if SETTINGS.basic_parameter_prefix:  # Basic credentials: their modules load only when configured
    from token_authorizer.basic import BasicVerifier, FailureLimiter
    from token_authorizer.basic_records import CredentialStore

    BASIC = BasicVerifier(
        CredentialStore(
            SETTINGS.basic_parameter_prefix,
            ttl=SETTINGS.basic_record_cache_seconds,
            clients=AWS_CLIENTS,
        ),
        FailureLimiter(SETTINGS.basic_max_failures, SETTINGS.basic_failure_window_seconds),
        verified_ttl=SETTINGS.basic_verified_cache_seconds,
    )
AUTHORIZER = Authorizer(
    TokenVerifier(SETTINGS, JWKS),
    API_KEYS,
    PERMISSIONS,
    ROUTE_POLICIES,
    warn=logger.warning,
    basic=BASIC,
    sources=CredentialSources(SETTINGS.token_header, SETTINGS.token_query_parameter),
)
_cold_start = True


@tracer.capture_lambda_handler(capture_response=False)
def _decide(event: Any, context: Any) -> Decision:
    return AUTHORIZER.decide(event)


def handler(event: Any, context: Any) -> dict[str, Any]:
    """API Gateway TOKEN or REQUEST authorizer: an authorizer response, or
    ``Exception("Unauthorized")``."""
    global _cold_start
    started = time.perf_counter()
    cold_start, _cold_start = _cold_start, False
    if logger.sampling_rate:  # POWERTOOLS_LOGGER_SAMPLE_RATE: DEBUG for a share of invocations
        with contextlib.suppress(Exception):
            logger.refresh_sample_rate_calculation()
    decision: Decision | None
    try:
        decision = _decide(event, context)
    except Exception:  # nothing but "Unauthorized" may leave the function: a bug answers 401
        logger.exception("unexpected error; answering 401")
        decision = None
    with contextlib.suppress(Exception):  # telemetry must never change the answer
        _record(decision, context, cold_start, time.perf_counter() - started)
    if decision is None or decision.response is None:
        raise Exception("Unauthorized")  # noqa: TRY002 - API Gateway's exact 401 contract
    return decision.response


def _record(decision: Decision | None, context: Any, cold_start: bool, seconds: float) -> None:
    outcome = decision.outcome if decision is not None else UNAUTHORIZED
    reason = decision.reason if decision is not None else "internal_error"
    details = decision.details if decision is not None else {}
    allowed = outcome == ALLOW and details.get("coversRequest") is not False
    if decision is None:
        # A bug, answered 401: counted apart from the 401s of bad tokens, so that the platform's
        # failures alarm (Lambda Errors minus Unauthorized) sees it.
        metric = "InternalError"
    elif outcome == ALLOW and not allowed:
        metric = "Denied"  # an Allow for the token's other routes; this route is not one of them
    else:
        metric = {ALLOW: "Allowed", UNAUTHORIZED: "Unauthorized"}.get(outcome, "Denied")
    metrics.add_metric(name=metric, unit=telemetry.COUNT, value=1)
    if cold_start:
        metrics.add_metric(name="ColdStart", unit=telemetry.COUNT, value=1)
    if details.get("imprecisePolicy"):
        metrics.add_metric(name="ImprecisePolicy", unit=telemetry.COUNT, value=1)
    # Refusals are always logged; allowed requests at DEBUG (POWERTOOLS_LOG_LEVEL=DEBUG, or a
    # share of invocations with POWERTOOLS_LOGGER_SAMPLE_RATE): API Gateway's access log already
    # records them with the authorizer context, and an INFO line per call costs ~30 us.
    if allowed and not logger.isEnabledFor(logging.DEBUG):
        metrics.flush_metrics()
        return
    (logger.debug if allowed else logger.info)(
        "authorizer decision",
        extra={
            "decision": outcome,
            "reason": reason,
            "durationMs": round(seconds * 1000, 3),
            "coldStart": cold_start,
            "requestId": getattr(context, "aws_request_id", None),
            **details,
        },
    )
    metrics.flush_metrics()

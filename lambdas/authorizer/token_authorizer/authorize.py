"""The decision for one TOKEN or REQUEST event: 401, Deny, or Allow with the caller's routes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerTokenEvent,
)

from token_authorizer.arn import MethodArn, parse_method_arn
from token_authorizer.errors import AccessDenied, LookupFailed, Unauthenticated
from token_authorizer.policy import WHOLE_STAGE, allow_response, allows, deny_response
from token_authorizer.request_credentials import BASIC_PREFIX, CredentialSources, read_credential

if TYPE_CHECKING:  # imported only for annotations: scope maps load only when configured
    from token_authorizer.api_keys import ApiKeyStore
    from token_authorizer.basic import BasicVerifier
    from token_authorizer.permissions import PermissionStore
    from token_authorizer.route_policy import RoutePolicyCache
    from token_authorizer.tokens import TokenVerifier, VerifiedToken

ALLOW, DENY, UNAUTHORIZED = "allow", "deny", "unauthorized"
EVENT_TYPES = frozenset({"TOKEN", "REQUEST"})
AUTHORIZATION_ONLY = CredentialSources()


class Decision(NamedTuple):
    """``response`` is None for a 401; ``details`` are safe to log (never the token or key)."""

    outcome: str
    reason: str
    response: dict[str, Any] | None
    details: dict[str, Any]


def _field(read: Callable[[], object]) -> object:
    """A field read through Powertools' event property; None when the event lacks it (a 401)."""
    try:
        return read()
    except KeyError:
        return None


class Authorizer:
    """The decision for one TOKEN or REQUEST event (docs/authorizer.md, docs/auth-modes.md).

    Args:
        verifier: verifies the bearer token.
        api_keys: the clients' API key values.
        permissions: the permission maps; None when none are configured (the whole stage).
        route_policies: the Allow/Deny patterns per map and scopes; None with ``permissions``.
        warn: where warnings go (an imprecise map, once per map version and scopes).
        basic: verifies Basic credentials. Default: none (a ``Basic`` value is a 401).
        sources: where a REQUEST event's token may be besides ``Authorization``. Default: there
            only.
    """

    def __init__(
        self,
        verifier: TokenVerifier,
        api_keys: ApiKeyStore,
        permissions: PermissionStore | None,
        route_policies: RoutePolicyCache | None,
        warn: Callable[[str], None] | None = None,
        *,
        basic: BasicVerifier | None = None,
        sources: CredentialSources = AUTHORIZATION_ONLY,
    ) -> None:
        self._basic = basic
        self._sources = sources
        self._warn = warn
        self._reported: set[tuple[str, tuple[str, ...]]] = set()
        self._verifier = verifier
        self._api_keys = api_keys
        self._permissions = permissions
        self._route_policies = route_policies

    def decide(self, event: object) -> Decision:
        details: dict[str, Any] = {}
        try:
            method_arn, token = self._authenticate(event, details)
        except Unauthenticated as error:
            return Decision(UNAUTHORIZED, error.reason, None, details)
        try:
            return self._authorize(method_arn, token, details)
        except AccessDenied as error:
            context = {"reason": error.reason.split(":", 1)[0], "sub": token.subject}
            if token.client_id is not None:
                context["clientId"] = token.client_id
            response = deny_response(method_arn, token.subject, context)
            return Decision(DENY, error.reason, response, details)

    def _authenticate(
        self, event: object, details: dict[str, Any]
    ) -> tuple[MethodArn, VerifiedToken]:
        if not isinstance(event, dict):
            raise Unauthenticated("not_a_token_event")
        token_event = APIGatewayAuthorizerTokenEvent(event)
        kind = _field(lambda: token_event.get_type)
        if not isinstance(kind, str) or kind not in EVENT_TYPES:
            raise Unauthenticated("not_a_token_event")
        method_arn = parse_method_arn(_field(lambda: token_event.method_arn))
        details.update(apiId=method_arn.api_id, stage=method_arn.stage, verb=method_arn.verb)
        if kind == "TOKEN":
            authorization = _field(lambda: token_event.authorization_token)
        else:
            credential = read_credential(event, self._sources)
            details.update(eventType="REQUEST", credentialSource=credential.source)
            authorization = credential.authorization
        if isinstance(authorization, str) and BASIC_PREFIX.match(authorization):
            if self._basic is None:
                raise Unauthenticated("basic_not_enabled")
            token = self._basic.verify(authorization)
            details.update(sub=token.subject, clientId=token.client_id, authMode="basic")
            return method_arn, token
        token = self._verifier.verify(authorization)
        details.update(sub=token.subject, clientId=token.client_id, kid=token.key_id)
        return method_arn, token

    def _report_imprecise(
        self, method_arn: MethodArn, version: str, scopes: tuple[str, ...]
    ) -> None:
        key = (version, tuple(sorted(scopes)))
        if self._warn is None or key in self._reported or len(self._reported) > 1000:
            return
        self._reported.add(key)
        self._warn(
            f"the permission map of API {method_arn.api_id} (version {version}) cannot be expressed"
            f" exactly for scopes {' '.join(key[1]) or '(none)'}: no forbidden route is allowed,"
            " but some requests to permitted routes are denied (see docs/authorizer.md)"
        )

    def _authorize(
        self, method_arn: MethodArn, token: VerifiedToken, details: dict[str, Any]
    ) -> Decision:
        if token.client_id is None:
            raise AccessDenied(token.client_problem or "no_client_claim")
        allow: tuple[str, ...] = (WHOLE_STAGE,)
        deny: tuple[str, ...] = ()
        if self._permissions is not None and self._route_policies is not None:
            try:
                permission_map = self._permissions.get(method_arn.api_id)
            except LookupFailed as error:
                raise AccessDenied(error.reason) from None
            if permission_map is not None:
                route_policy = self._route_policies.for_scopes(
                    permission_map, frozenset(token.scopes)
                )
                details.update(mapVersion=permission_map.fingerprint)
                if route_policy.imprecise:
                    details.update(imprecisePolicy=True)
                    self._report_imprecise(method_arn, permission_map.fingerprint, token.scopes)
                if not route_policy.allow:
                    raise AccessDenied("insufficient_scope")
                allow, deny = route_policy.allow, route_policy.deny
        try:
            key = self._api_keys.get(token.client_id)
        except LookupFailed as error:
            raise AccessDenied(error.reason) from None
        if key is None:
            raise AccessDenied("no_api_key")
        context = {
            "clientId": token.client_id,
            "sub": token.subject,
            "scopes": " ".join(token.scopes),
            "authMode": token.mode,
        }
        built = allow_response(
            method_arn,
            principal_id=token.subject,
            usage_key=key,
            allow=allow,
            deny=deny,
            context=context,
        )
        if built is None:  # not one permitted route fits in an ARN
            details.update(imprecisePolicy=True, resourceTooLong=True)
            raise AccessDenied("resource_too_long")
        response, exact = built
        if not exact:  # a too-long ARN was dropped (that route is denied) or a Deny widened
            details.update(imprecisePolicy=True, resourceTooLong=True)
        covers = allow == (WHOLE_STAGE,) or allows(
            response, method_arn.stage_prefix + method_arn.route_string
        )
        details.update(coversRequest=covers)
        return Decision(ALLOW, "ok" if covers else "route_not_permitted", response, details)

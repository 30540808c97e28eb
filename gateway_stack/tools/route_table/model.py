"""The route table's rows: one per route of each deployed stage, with what answers it and how.

Every value is read from the synthesized templates (see :mod:`.reader`);
each class renders itself as the short text the Markdown table and the review diff show.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway_stack.models.throttle import Throttle

__all__ = ["ANY_CLIENT", "Backend", "Cache", "RouteRow", "Throttle", "TierLimit"]

#: A route's scopes when it needs none: any client the authorizer admits may call it.
ANY_CLIENT = "-"


def _number(value: float) -> str:
    """``50`` for 50.0, ``0.5`` for 0.5."""
    return f"{value:g}"


@dataclass(frozen=True)
class TierLimit:
    """What one usage plan (tier) allows each client key on this route.

    Attributes:
        tier: the tier's name (from the platform's ``/plans/<tier>/id`` parameter, else the
            usage plan's name).
        throttle: the limit that applies to this route: the stage's override when there is
            one, else the plan's own. None: the plan sets no throttle.
        quota: the plan's quota per key, e.g. ``100000/MONTH``. Default: none.
        plan_throttle: the plan's own throttle, when this stage overrides it. Default: none.
        known: the plan is in the assembly, so its limits are known. Default: yes.
    """

    tier: str
    throttle: Throttle | None
    quota: str | None = None
    plan_throttle: Throttle | None = None
    known: bool = True

    def __str__(self) -> str:
        return f"{self.tier} {self.limit}"

    @property
    def limit(self) -> str:
        """The limit without the tier's name, e.g. ``50/100 (plan 200/400), 1000/DAY``."""
        if not self.known:
            return f"{self.throttle or ''} (plan not in this assembly)".lstrip()
        text = str(self.throttle or "unthrottled")
        if self.plan_throttle is not None:
            text += f" (plan {self.plan_throttle})"
        if self.quota:
            text += f", {self.quota}"
        return text


@dataclass(frozen=True)
class Backend:
    """What answers a route: the integration, with the values its stage variables resolve to.

    Attributes:
        kind: ``nlb`` (a private integration over a VPC link), ``mock``, ``http`` (a public
            HTTP endpoint), ``lambda``, ``aws`` (another AWS service) or ``none``.
        target: the load balancer's name (``nlb``), the mock's status code, the URL, the
            function's name, or the service URI.
        port: the port the integration calls. Default: none.
        path: the backend path, when it differs from the route's. Default: none.
        timeout_ms: the integration's timeout. Default: none (API Gateway's 29 s).
        host: the ``Host`` the integration calls (a DNS name, or where it is published).
            Default: none.
        vpc_link: the VPC link, as the stage variable resolves it. Default: none.
    """

    kind: str
    target: str
    port: int | None = None
    path: str | None = None
    timeout_ms: int | None = None
    host: str | None = None
    vpc_link: str | None = None

    def __str__(self) -> str:
        if self.kind == "mock":
            return f"mock ({self.target})"
        if self.kind == "none":
            return "none"
        text = {"nlb": "NLB ", "http": "HTTP ", "lambda": "Lambda ", "aws": "AWS "}[self.kind]
        text += self.target
        if self.port is not None:
            text += f", port {self.port}"
        if self.path is not None:
            text += f", path {self.path}"
        if self.timeout_ms is not None:
            text += f", timeout {_number(self.timeout_ms / 1000)} s"
        return text


@dataclass(frozen=True)
class Cache:
    """A route's response cache at the stage.

    Attributes:
        ttl_seconds: how long responses are kept.
        key: the request parameters in the cache key, e.g. ``path.sku``.
    """

    ttl_seconds: int
    key: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.ttl_seconds} s" + (f" (key {', '.join(self.key)})" if self.key else "")


@dataclass(frozen=True)
class RouteRow:
    """One route of one deployed stage.

    Attributes:
        service: the service (the API's ``gateway-stack:service`` tag, else the API's name).
        stack: the stack that holds the API.
        api: the REST API's name.
        stage: the stage's name.
        method: the HTTP method (``ANY`` for every method).
        path: the resource path in the API, e.g. ``/items/{sku}``.
        urls: every public URL of the route: custom domain + base path + path, and the
            ``execute-api`` URL unless the API disables it.
        backend: what answers the route.
        authorizer: who authorizes callers (``none``: anyone can call the route).
        scopes: the scopes a caller's token needs (empty: any caller the authorizer admits).
        api_key: whether a request needs an API key, and where the key comes from.
        stage_throttle: the stage's default limit for all clients together. Default: none.
        route_throttle: this route's own stage limit, when it differs from the stage's.
            Default: none.
        tiers: the limit per client key of each usage plan the stage is in. Default: none.
        cache: the stage's response cache for this route. Default: not cached.
        cors_origin: the origin the gateway's CORS preflight (an ``OPTIONS`` MOCK without the
            authorizer, on the route's path) allows. Default: none (no preflight).
        region: the region the API's stack deploys to (the cloud assembly manifest's
            ``environment``). Default: empty (unknown).
    """

    service: str
    stack: str
    api: str
    stage: str
    method: str
    path: str
    urls: tuple[str, ...]
    backend: Backend
    authorizer: str
    scopes: tuple[str, ...]
    api_key: str
    stage_throttle: Throttle | None = None
    route_throttle: Throttle | None = None
    tiers: tuple[TierLimit, ...] = ()
    cache: Cache | None = None
    cors_origin: str | None = None
    region: str = ""

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """What identifies the route across two syntheses: stack, API, stage, method, path."""
        return (self.stack, self.api, self.stage, self.method, self.path)

    @property
    def name(self) -> str:
        """``METHOD /path`` of the service, e.g. ``orders POST /orders``."""
        return f"{self.service} {self.method} {self.path}"

    @property
    def scopes_text(self) -> str:
        """The scopes as the table, the review and its diff show them: ``a, b``, or
        :data:`ANY_CLIENT`."""
        return ", ".join(self.scopes) or ANY_CLIENT

    @property
    def cache_text(self) -> str:
        """The cache as the table, the review and its diff show it: ``60 s (key path.sku)`` or
        ``no``."""
        return str(self.cache) if self.cache else "no"

    @property
    def throttles(self) -> str:
        """Every limit on the route: the stage's, the route's own, each tier's."""
        parts = []
        if self.stage_throttle is not None:
            parts.append(f"stage {self.stage_throttle}")
        if self.route_throttle is not None:
            parts.append(f"route {self.route_throttle}")
        parts += [str(tier) for tier in self.tiers]
        return "; ".join(parts) or "none"

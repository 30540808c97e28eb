"""A service's API definition, made once from its document or route list, and where each of
its routes is written (for messages that point at it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gateway_stack.gateway.config import Gateway, Service
from gateway_stack.gateway.config.issues import Location, format_location
from gateway_stack.gateway.plan.problems import DocumentPlace, FilePlace, Place, Problems
from gateway_stack.naming import GatewayNames
from gateway_stack.openapi import (
    DEFAULT_FORWARDED_CONTEXT,
    AuthorizerRef,
    GatewaySettings,
    OpenApiDocumentError,
    PrivateIntegration,
    ServiceDefinition,
    from_document,
    from_routes,
    proxy_routes,
)
from gateway_stack.openapi.document import Document, operation_pointer, read_document
from gateway_stack.openapi.pointers import line_of


class Documents:
    """The services' OpenAPI documents of one plan, each read and checked once: a gateway in
    several regions defines each service once per region, from the same document.

    Args:
        folder: the folder services' ``openapi`` paths are relative to (the gateway file's).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._read: dict[str, Document | OpenApiDocumentError] = {}

    def read(self, relative: str) -> Document:
        """The checked document at ``relative`` (to :attr:`folder`).

        Raises:
            OpenApiDocumentError: its problems (the same error on every read).
        """
        source = str(self.folder / relative)
        if source not in self._read:
            try:
                self._read[source] = read_document(source)
            except OpenApiDocumentError as error:
                self._read[source] = error
        found = self._read[source]
        if isinstance(found, OpenApiDocumentError):
            raise found
        return found


@dataclass(frozen=True)
class Defined:
    """A service's definition, and where its routes are written.

    Attributes:
        definition: the body and routes.
        places: route key (``GET /items``) -> where the route is written.
    """

    definition: ServiceDefinition
    places: dict[str, Place]


def gateway_settings(
    gateway: Gateway,
    index: int,
    names: GatewayNames,
    *,
    source: str = "<gateway>",
    lines: Mapping[Location, int] | None = None,
    position: int | None = None,
) -> GatewaySettings:
    """What the gateway writes into every operation of service ``index``: its private
    integration, the platform's authorizer and API key, the forwarded context, CORS, its public
    routes (each value already checked by the gateway file's model).

    Args:
        gateway: the validated gateway file.
        index: the service's position under ``services``.
        names: the gateway environment's names.
        source: the gateway file's name, for messages about public routes. Default:
            ``<gateway>``.
        lines: the line of each key path in the gateway file. Default: none.
        position: the service's position under ``services`` in the gateway file, when
            ``gateway`` is one region's view of it. Default: ``index``.
    """
    service = gateway.services[index]
    loc: Location = ("services", index if position is None else position, "public_routes")
    line = (lines or {}).get(loc)
    origin = f"{source} ({format_location(loc)}" + (f", line {line})" if line else ")")
    return GatewaySettings(
        integration=PrivateIntegration(
            port=service.backend.port,
            timeout_ms=service.timeout_ms,
            timeout_limit_ms=gateway.account_quotas.integration_timeout_ms,
        ),
        authorizer=AuthorizerRef(
            function_arn=names.authorizer_arn(gateway.account, gateway.region, gateway.partition),
            cache_ttl_seconds=gateway.auth.cache_ttl_seconds,
        ),
        api_key_required=True,
        forwarded_context=dict(service.forward_context or DEFAULT_FORWARDED_CONTEXT),
        binary_media_types=tuple(service.binary_media_types),
        region=gateway.region,
        partition=gateway.partition,
        cors=gateway.cors,
        public_routes=frozenset(service.public_routes),
        public_routes_origin=origin,
    )


def define(
    service: Service,
    index: int,
    *,
    settings: GatewaySettings,
    api_name: str,
    documents: Documents,
    problems: Problems,
) -> Defined | None:
    """The definition of service ``index``: from its OpenAPI document, else its route list,
    else the proxy routes. ``None`` (with every problem recorded) when it cannot be made."""
    try:
        if service.openapi is not None:
            document = documents.read(service.openapi)
            source = document.source
            definition = from_document(
                document.data,
                settings,
                source=source,
                checked=True,
                warnings=document.warnings,
                lines=document.lines,
            )
            problems.warn(source, definition.warnings)
            places: dict[str, Place] = {}
            for route in definition.routes:
                at = operation_pointer(route.path, route.method)
                line = line_of(document.data, at, document.lines)
                places[route.key] = DocumentPlace(source, at, line)
            return Defined(definition, places)
        routes = service.route_list()
        if routes is None:
            definition = from_routes(proxy_routes(), settings, api_name)
            return Defined(
                definition, {r.key: FilePlace(("services", index)) for r in definition.routes}
            )
        places = {
            route.key: FilePlace(("services", index, "routes", position))
            for position, route in enumerate(routes)
        }
        return Defined(from_routes(routes, settings, api_name), places)
    except OpenApiDocumentError as error:
        if service.openapi is not None:
            problems.document(error)
        else:  # a generated body: point at the route in the gateway file
            for problem in error.problems:
                problems.at(_route_loc(service, index, problem.pointer), problem.message)
    except ValueError as error:
        problems.at(("services", index, "routes"), str(error))
    return None


def _route_loc(service: Service, index: int, pointer: str) -> tuple[str | int, ...]:
    """The gateway-file place of the route list's operation at ``pointer``."""
    for position, route in enumerate(service.route_list() or ()):
        if pointer.startswith(operation_pointer(route.path, route.method)):
            return ("services", index, "routes", position)
    return ("services", index, "routes")

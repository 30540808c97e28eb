"""What the plan refuses, and where: a place in the gateway file or in a service's document.

Every check of the plan adds to one :class:`Problems`; the plan raises them together, so a
gateway file's author sees every problem at once, each naming the file, the place and the rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from gateway_stack.errors import GatewayStackError
from gateway_stack.gateway.config.issues import Issue, Location, format_location, render_issue
from gateway_stack.gateway.config.views import RegionPlaces
from gateway_stack.openapi import OpenApiDocumentError, Problem


@dataclass(frozen=True)
class FilePlace:
    """A key path in the gateway file, e.g. ``("services", 2, "base_path")``."""

    loc: Location


@dataclass(frozen=True)
class DocumentPlace:
    """A JSON pointer in a service's OpenAPI document.

    Attributes:
        source: the document's file.
        pointer: the JSON pointer, e.g. ``/paths/~1orders/get``.
        line: its line in the document. Default: none.
    """

    source: str
    pointer: str
    line: int | None = None


Place = FilePlace | DocumentPlace


class GatewayPlanError(GatewayStackError):
    """A gateway file (or one of its documents) the plan refuses, with every problem found."""


@dataclass
class Problems:
    """The problems found while planning one gateway file.

    Attributes:
        source: the gateway file, as messages name it. Default: ``<gateway>``.
        lines: the line of each key path in the file (from the loader). Default: none.
    """

    source: str = "<gateway>"
    lines: Mapping[Location, int] = field(default_factory=dict)
    _messages: list[str] = field(default_factory=list)
    #: What the plan accepts but a user should know (a document's warnings), as messages.
    warnings: list[str] = field(default_factory=list)
    #: Where the problems of one region's view are in the file (a multi-region gateway's
    #: regions are planned one view each); none for a single-region gateway.
    places: RegionPlaces | None = None

    def within(self, places: RegionPlaces) -> Problems:
        """These problems, recorded from the view of one region (``places``): each said
        where the file says it, and once (the regions' views share the file's services)."""
        return Problems(self.source, self.lines, self._messages, self.warnings, places)

    def add(self, place: Place, message: str) -> None:
        """Record a problem at ``place``."""
        if not isinstance(place, FilePlace):
            self._record(Problem(place.pointer, message, place.line).render(place.source))
            return
        loc = place.loc
        if self.places is not None:
            said = render_issue(self.source, Issue(self.places.position(loc), message), self.lines)
            if said in self._messages:  # the home region's view said it already
                return
            loc, message = self.places.relocate(loc, message)
        self._record(render_issue(self.source, Issue(loc, message), self.lines))

    def _record(self, message: str) -> None:
        if self.places is None or message not in self._messages:
            self._messages.append(message)

    def where(self, loc: Location) -> str:
        """A key path of the view being planned as a message names it: its place in the file
        (``services[2].alarms``)."""
        return format_location(self.places.position(loc) if self.places is not None else loc)

    def at(self, loc: Location, message: str) -> None:
        """Record a problem at a key path of the gateway file."""
        self.add(FilePlace(loc), message)

    def extend(self, messages: tuple[str, ...] | list[str]) -> None:
        """Record messages that already name their file and place (a document's errors)."""
        for message in messages:
            self._record(message)

    def document(self, error: OpenApiDocumentError) -> None:
        """Record every problem of a document."""
        self.extend(error.messages)

    def warn(self, source: str, warnings: tuple[Problem, ...]) -> None:
        """Record a document's warnings (they do not refuse the plan)."""
        for warning in warnings:
            rendered = replace(warning, message=f"warning: {warning.message}").render(source)
            if self.places is None or rendered not in self.warnings:
                self.warnings.append(rendered)

    def __bool__(self) -> bool:
        return bool(self._messages)

    def raise_any(self) -> None:
        """Raise every problem recorded, if any.

        Raises:
            GatewayPlanError: one message per problem.
        """
        if self._messages:
            raise GatewayPlanError(self._messages)

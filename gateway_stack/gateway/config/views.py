"""The single-region view of a gateway file, and where a problem of a view is in the file.

A gateway in several regions is planned region by region: each region's view is the file as a
single-region gateway of that region (its ``region``, zones, network, load balancers, quotas and
regional ARNs in place of the top-level ones; only its services; no ``regions`` or
``routing``), so that every check of a single-region file runs in each region, against that
region's own target. Each works on plain data (the parsed file, or a model dumped to a dict) and
tolerates any shape: the loader validates the views of the raw file, the model those of a model
built in code.

A problem the view of an added region finds is reported where the file says it: at
``regions.<region>.<key>`` for a value the region sets; at ``regions.<region>`` for a value it
inherits from the top level (naming the key to set there); at the place of any other value,
after ``in <region>:`` (a throttle over the region's quota, a service's timeout).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gateway_stack.gateway.config.issues import Location, format_location
from gateway_stack.gateway.config.regions import OVERRIDES
from gateway_stack.gateway.config.route_keys import service_of

#: pydantic error type of the model's own check of its regions' views (the loader reports
#: these itself, at their places).
REGION_ERROR = "gateway_regions"
#: The keys of the file a region's view leaves out.
MULTI_REGION_KEYS = ("regions", "routing")


def added_regions(data: Any) -> tuple[str, ...]:
    """The regions of ``regions`` (not the home region), in file order; none when it is not a
    mapping."""
    regions = data.get("regions") if isinstance(data, Mapping) else None
    home = data.get("region") if isinstance(data, Mapping) else None
    if not isinstance(regions, Mapping):
        return ()
    return tuple(str(r) for r in regions if r != home)


def positions_in(data: Mapping[str, Any], region: str) -> tuple[int, ...]:
    """The positions under ``services`` of the services in ``region``: those without
    ``regions``, and those whose ``regions`` lists it."""
    services = data.get("services")
    if not isinstance(services, Sequence) or isinstance(services, str):
        return ()
    return tuple(
        index
        for index, service in enumerate(services)
        if not isinstance(service, Mapping)
        or not isinstance(service.get("regions"), Sequence)
        or region in service["regions"]
    )


def region_view(data: Mapping[str, Any], region: str) -> dict[str, Any]:
    """The single-region view of ``data`` in ``region`` (the home region or an added one)."""
    view = {key: value for key, value in data.items() if key not in MULTI_REGION_KEYS}
    services = data.get("services")
    if isinstance(services, Sequence) and not isinstance(services, str):
        view["services"] = [
            {k: v for k, v in services[i].items() if k != "regions"}
            if isinstance(services[i], Mapping)
            else services[i]
            for i in positions_in(data, region)
        ]
        tiers = data.get("tiers")
        if isinstance(tiers, Mapping):
            elsewhere = {s.get("name") for s in services if isinstance(s, Mapping)} - {
                s.get("name") for s in view["services"] if isinstance(s, Mapping)
            }
            view["tiers"] = {name: _without(tier, elsewhere) for name, tier in tiers.items()}
    if region == data.get("region"):
        return view
    entry = _entry(data, region)
    view["region"] = region
    for key, path in OVERRIDES.items():
        if entry.get(key) is not None:
            _set(view, path, entry[key])
    balancers = data.get("load_balancers")
    given = entry.get("load_balancers")
    given = given if isinstance(given, Mapping) else {}
    if isinstance(balancers, Mapping):
        used = {_balancer_of(s) for s in view.get("services", ())}
        view["load_balancers"] = {
            name: given.get(name, balancer)
            for name, balancer in balancers.items()
            if name in used or name in given
        } or dict(balancers)
    certificates = entry.get("certificate_arns")
    certificates = certificates if isinstance(certificates, Mapping) else {}
    domain = data.get("domain")
    if isinstance(domain, Mapping):
        view["domain"] = _with_certificate(domain, certificates)
        aliases = domain.get("aliases")
        if isinstance(aliases, Sequence) and not isinstance(aliases, str):
            view["domain"]["aliases"] = [_with_certificate(a, certificates) for a in aliases]
    return view


def _without(tier: Any, services: set[Any]) -> Any:
    """A tier without the ``route_throttles`` of ``services`` (services of the file that are
    not in the region: a tier's limit on their routes applies where they are)."""
    throttles = tier.get("route_throttles") if isinstance(tier, Mapping) else None
    if not isinstance(throttles, Mapping) or not services:
        return tier
    kept = {k: v for k, v in throttles.items() if service_of(str(k)) not in services}
    return {**tier, "route_throttles": kept}


@dataclass(frozen=True)
class RegionPlaces:
    """Where the problems of one region's view are in the gateway file.

    Attributes:
        region: the region.
        home: whether it is the home region (its values are the top-level ones).
        positions: the file position of each of the view's services.
        given: the keys the region's entry sets (``regions.<region>``).
        balancers: the load balancers the region's entry sets.
        certificates: the domain names the region's entry gives a certificate ARN for.
        names: the domain names of the file: the main name, then each alias.
    """

    region: str
    home: bool
    positions: tuple[int, ...]
    given: frozenset[str] = frozenset()
    balancers: frozenset[str] = frozenset()
    certificates: frozenset[str] = frozenset()
    names: tuple[str, ...] = ()

    @classmethod
    def of(cls, data: Mapping[str, Any], region: str) -> RegionPlaces:
        """The places of ``region``'s view of ``data``."""
        entry = _entry(data, region)
        domain = data.get("domain")
        domain = domain if isinstance(domain, Mapping) else {}
        aliases = domain.get("aliases")
        aliases = aliases if isinstance(aliases, Sequence) and not isinstance(aliases, str) else ()
        names = [
            domain.get("name"),
            *(a.get("name") if isinstance(a, Mapping) else None for a in aliases),
        ]
        return cls(
            region=region,
            home=region == data.get("region"),
            positions=positions_in(data, region),
            given=frozenset(k for k, v in entry.items() if v is not None),
            balancers=frozenset(_keys(entry.get("load_balancers"))),
            certificates=frozenset(_keys(entry.get("certificate_arns"))),
            names=tuple(str(n) for n in names),
        )

    def position(self, loc: Location) -> Location:
        """``loc`` with a service's position in the view made its position in the file."""
        index = loc[1] if len(loc) > 1 and loc[0] == "services" else None
        if isinstance(index, int) and 0 <= index < len(self.positions):
            return ("services", self.positions[index], *loc[2:])
        return loc

    def relocate(self, loc: Location, message: str) -> tuple[Location, str]:
        """Where the view's problem at ``loc`` is in the file, and how it is said there."""
        loc = self.position(loc)
        if self.home:
            return loc, message
        where: tuple[str | int, ...] = ("regions", self.region)
        for key, path in OVERRIDES.items():
            if loc[: len(path)] == path:
                if key in self.given:
                    return (*where, key, *loc[len(path) :]), message
                return self._inherited(loc, key, message)
        if len(loc) > 1 and loc[0] == "load_balancers":
            key = f"load_balancers.{loc[1]}"
            if loc[1] in self.balancers:
                return (*where, *loc), message
            return self._inherited(loc, key, message)
        name = self._certificate_of(loc)
        if name is not None:
            if name in self.certificates:
                return (*where, "certificate_arns", name), message
            return self._inherited(loc, f"certificate_arns.{name}", message)
        if loc in {("region",), ()}:
            return where, message
        return loc, f"in {self.region}: {message}"

    def _inherited(self, loc: Location, key: str, message: str) -> tuple[Location, str]:
        return ("regions", self.region), (
            f"{format_location(loc)}, which {self.region} inherits from the top level: "
            f"{message}; set {key} under regions.{self.region}"
        )

    def _certificate_of(self, loc: Location) -> str | None:
        """The domain name whose certificate_arn ``loc`` is, if it is one."""
        if loc == ("domain", "certificate_arn") and self.names:
            return self.names[0]
        if (
            len(loc) == 4
            and loc[:2] == ("domain", "aliases")
            and loc[3] == "certificate_arn"
            and isinstance(loc[2], int)
            and loc[2] + 1 < len(self.names)
        ):
            return self.names[loc[2] + 1]
        return None


def _entry(data: Mapping[str, Any], region: str) -> Mapping[str, Any]:
    regions = data.get("regions")
    entry = regions.get(region) if isinstance(regions, Mapping) else None
    return entry if isinstance(entry, Mapping) else {}


def _keys(value: Any) -> list[str]:
    return [str(k) for k in value] if isinstance(value, Mapping) else []


def _balancer_of(service: Any) -> Any:
    backend = service.get("backend") if isinstance(service, Mapping) else None
    return backend.get("load_balancer") if isinstance(backend, Mapping) else None


def _with_certificate(name: Any, certificates: Mapping[str, Any]) -> Any:
    """A domain name's entry with the region's certificate for it, if the region gives one."""
    if not isinstance(name, Mapping):
        return name
    entry = dict(name)
    if entry.get("name") in certificates:
        entry["certificate_arn"] = certificates[entry["name"]]
    return entry


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """``data`` at ``path`` set to ``value``, copying each mapping on the way (the file's own
    sections are shared by every view)."""
    node = data
    for key in path[:-1]:
        inner = node.get(key)
        node[key] = dict(inner) if isinstance(inner, Mapping) else {}
        node = node[key]
    node[path[-1]] = value

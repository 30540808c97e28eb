"""The review report's text, from reviews built by hand (no synth): parameters and outputs,
one wording of a route's values in the table, the report and its diff."""

from __future__ import annotations

from dataclasses import replace

from gateway_stack.review import Review
from gateway_stack.review.cfn_diff import EntryChange, StackDiff
from gateway_stack.review.report import render_markdown
from gateway_stack.review.route_diff import RouteChange, field_changes
from gateway_stack.route_table import Backend, Cache, RouteRow
from gateway_stack.route_table.render import COLUMNS, cells

ROUTE = RouteRow(
    service="pets",
    stack="pets-stack",
    api="pets",
    stage="prod",
    method="GET",
    path="/pets",
    urls=("https://api.example.org/pets",),
    backend=Backend("mock", "200"),
    authorizer="token check (cache 300 s)",
    scopes=(),
    api_key="no",
)


def review(*, routes: tuple[RouteChange, ...] = (), stacks: tuple[StackDiff, ...] = ()) -> Review:
    return Review(base="base", head="head", routes=routes, stacks=stacks, protected=())


def test_parameters_by_their_ssm_name_else_name_and_type_and_outputs_by_name() -> None:
    diff = StackDiff(
        stack="pets-stack",
        status="changed",
        parameters=(
            EntryChange("LinkParam", "added", "AWS::SSM::Parameter::Value<String>", "/lb/link"),
            EntryChange("Size", "changed", "Number"),
        ),
        outputs=(EntryChange("Url", "removed"),),
    )
    lines = render_markdown(review(stacks=(diff,))).splitlines()
    assert "- parameters: added SSM parameter `/lb/link`, changed `Size` (Number)" in lines
    assert "- outputs: removed `Url`" in lines


def test_a_routes_scopes_and_cache_read_the_same_in_the_table_the_report_and_its_diff() -> None:
    cached = replace(ROUTE, scopes=("pets:read", "pets:list"), cache=Cache(60, ("path.id",)))
    table = dict(zip(COLUMNS, cells(ROUTE), strict=True))
    assert (table["scopes"], table["cache"]) == (ROUTE.scopes_text, ROUTE.cache_text) == ("-", "no")
    removed = render_markdown(review(routes=(RouteChange("removed", ROUTE),)))
    assert "scopes -; API key no" in removed
    assert "cache: no |" in removed
    changes = {c.field: (c.before, c.after) for c in field_changes(ROUTE, cached)}
    assert changes == {
        "scopes": ("-", "pets:read, pets:list"),
        "cache": ("no", "60 s (key path.id)"),
    }

"""The review report's text, from reviews built by hand (no synth): parameters and outputs,
one wording of a route's values in the table, the report and its diff, and a length that
always fits one pull-request comment."""

from __future__ import annotations

from dataclasses import replace

from gateway_stack.tools.review import Review
from gateway_stack.tools.review.cfn_diff import EntryChange, ResourceChange, StackDiff
from gateway_stack.tools.review.protected import PROTECTED, ProtectedChange
from gateway_stack.tools.review.report import MARKER, MAX_CHARACTERS, render_markdown
from gateway_stack.tools.review.route_diff import RouteChange, field_changes
from gateway_stack.tools.route_table import Backend, Cache, RouteRow
from gateway_stack.tools.route_table.render import COLUMNS, cells

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


def test_a_huge_review_fits_one_comment_each_section_cut_with_a_note() -> None:
    warnings = tuple(
        ProtectedChange(
            stack="pets-stack",
            type="AWS::ApiGateway::ApiKey",
            logical_id=f"Key{index}",
            path=None,
            action="replaced",
            reason=PROTECTED["AWS::ApiGateway::ApiKey"],
            replacement=True,
            detail="Name changes",
        )
        for index in range(2_000)
    )
    routes = tuple(
        RouteChange(
            "added", replace(ROUTE, path=f"/pets/{index}", backend=Backend("http", str(index)))
        )
        for index in range(2_000)  # each backend its own: one row each
    )
    resources = tuple(
        ResourceChange(f"Handle{index}", "AWS::SQS::Queue", "WILL_CREATE", None)
        for index in range(2_000)
    )
    huge = Review(
        base="base",
        head="head",
        routes=routes,
        stacks=(StackDiff("pets-stack", "new", resources),),
        protected=warnings,
    )
    text = render_markdown(huge)
    assert len(text) <= MAX_CHARACTERS < 65_536
    assert text.startswith(MARKER)
    lines = text.splitlines()
    kept = {
        "warnings": sum(1 for line in lines if line.startswith("- **replaced**")),
        "route rows": sum(1 for line in lines if line.startswith("| added |")),
        "lines of stack changes": sum(1 for line in lines if line.startswith("- add ")),
    }
    for what, count in kept.items():
        assert 0 < count < 2_000, what
        assert (
            f"... {2_000 - count} more {what}: too long for one comment. `make review` prints "
            "the whole report (in CI: the review job's log)."
        ) in lines
    # The sections stay in order, each under its heading.
    headings = [line for line in lines if line.startswith("### ")]
    assert headings == [
        "### ⚠️ Warnings: resources whose loss hurts",
        "### Routes",
        "### CloudFormation changes",
    ]

    # What `make review` prints: everything.
    whole = render_markdown(huge, whole=True).splitlines()
    assert sum(1 for line in whole if line.startswith("- **replaced**")) == 2_000
    assert sum(1 for line in whole if line.startswith("| added |")) == 2_000
    assert sum(1 for line in whole if line.startswith("- add ")) == 2_000
    assert not any("too long for one comment" in line for line in whole)


def test_a_short_review_is_not_cut() -> None:
    text = render_markdown(review(routes=(RouteChange("removed", ROUTE),)))
    assert "too long for one comment" not in text
    assert "| removed | pets GET /pets | https://api.example.org/pets |" in text

"""Command line: the CDK app's entry point, and ``python -m gateway_stack`` helpers.

python -m gateway_stack validate [GATEWAY]     # load + plan: every error synth would raise
python -m gateway_stack schema [--check]
python -m gateway_stack summary [--gateway GATEWAY] [--cdk-out cdk.out]
python -m gateway_stack routes [--json] [--cdk-out cdk.out]
python -m gateway_stack review [--base REV] [--gateway GATEWAY] [--fail-on-replace]
                               [--assemblies BASE_OUT HEAD_OUT] [--output FILE]
python -m gateway_stack snapshots --cdk-out DIR [--out tests/snapshots]
python -m gateway_stack clients [GATEWAY]
python -m gateway_stack policy [--gateway GATEWAY] [--out cdk.out/policy] [TEMPLATE ...]
python -m gateway_stack init [FOLDER]

GATEWAY is a gateway file, config/example.yaml by default. FOLDER is a new or empty folder, the
current one by default.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gateway_stack.errors import GatewayStackError
from gateway_stack.gateway.config import GatewayFileError, load_gateway
from gateway_stack.gateway.config.schema import render_schema
from gateway_stack.gateway.plan import plan_gateway_file

#: Where the committed JSON Schema lives, relative to the repository root.
SCHEMA_PATH = Path("config/gateway.schema.json")
DEFAULT_GATEWAY = "config/example.yaml"
NOTHING_SYNTHESIZED = "; nothing was synthesized"


def run_app() -> int:
    """Synthesize the gateway named by the ``gateway`` context (what ``app.py`` runs)."""
    from aws_cdk import App

    from gateway_stack.constructs.synth_errors import error_messages, synth_cleanly
    from gateway_stack.gateway.app import build_gateway

    # No construct creation stack traces in the assembly's metadata: synth is ~30% faster.
    app = App(stack_traces=False)
    path = Path(app.node.try_get_context("gateway") or DEFAULT_GATEWAY)
    try:
        plan = plan_gateway_file(path)  # a refused plan builds (and writes) nothing
        _print_warnings(plan.warnings)
        build_gateway(app, plan)
        synth_cleanly(app)
    except GatewayStackError as error:
        _print_errors(error.messages, NOTHING_SYNTHESIZED)
        return 1
    except (ValueError, TypeError, RuntimeError) as error:  # a construct's own check (or jsii's)
        _print_errors(error_messages(error), NOTHING_SYNTHESIZED)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m gateway_stack``: validate a gateway file, print the schema or a summary."""
    args = _parser().parse_args(argv)

    if args.command == "validate":
        try:
            plan = plan_gateway_file(args.gateway)
        except GatewayStackError as error:
            _print_errors(error.messages, NOTHING_SYNTHESIZED)
            return 1
        _print_warnings(plan.warnings)
        gateway = plan.gateway
        print(
            f"{args.gateway}: ok ({len(gateway.services)} services, {len(gateway.clients)} clients)"
        )
        return 0
    if args.command == "schema":
        return _schema(check=args.check)
    if args.command == "clients":
        from gateway_stack.tools.clients_table import render_clients

        try:
            print(render_clients(load_gateway(args.gateway)))
        except GatewayFileError as error:
            _print_errors(error.messages)
            return 1
        return 0
    if args.command == "routes":
        return _routes(Path(args.cdk_out), as_json=args.json)
    if args.command == "review":
        return _review(args)
    if args.command == "snapshots":
        return _snapshots(args.cdk_out, args.out)
    if args.command == "policy":
        return _policy(args.gateway, Path(args.out), args.templates)
    if args.command == "init":
        return _init(args.folder)
    from gateway_stack.tools.summary import print_summary

    try:
        plan = plan_gateway_file(args.gateway)
    except GatewayStackError as error:
        _print_errors(error.messages)
        return 1
    return print_summary(plan, Path(args.cdk_out))


def _parser() -> argparse.ArgumentParser:
    """The command line's subcommands and their options."""
    parser = argparse.ArgumentParser(prog="gateway-stack", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check a gateway file; print every error")
    validate.add_argument("gateway", nargs="?", default=DEFAULT_GATEWAY)
    schema = commands.add_parser("schema", help="write (or --check) config/gateway.schema.json")
    schema.add_argument("--check", action="store_true", help="fail if the file is out of date")
    policy = commands.add_parser(
        "policy", help="write the Guard rules and IAM boundary; check service-stack templates"
    )
    policy.add_argument("--gateway", default=DEFAULT_GATEWAY)
    policy.add_argument("--out", default="cdk.out/policy", help="where to write the files")
    policy.add_argument("templates", nargs="*", type=Path, help="service-stack templates")
    clients = commands.add_parser("clients", help="clients, tiers and their limits")
    clients.add_argument("gateway", nargs="?", default=DEFAULT_GATEWAY)
    routes = commands.add_parser("routes", help="the route table of cdk.out")
    routes.add_argument("--cdk-out", default="cdk.out")
    routes.add_argument("--json", action="store_true", help="JSON instead of Markdown")
    review = commands.add_parser(
        "review", help="route and CloudFormation changes against a base revision (Markdown)"
    )
    review.add_argument("--base", help="git revision; default: the merge base with main")
    review.add_argument("--gateway", default=DEFAULT_GATEWAY)
    review.add_argument(
        "--fail-on-replace",
        action="store_true",
        help="exit 1 when a protected resource would be replaced",
    )
    review.add_argument(
        "--assemblies",
        nargs=2,
        type=Path,
        metavar=("BASE_OUT", "HEAD_OUT"),
        help="compare two synthesized assemblies instead of synthesizing",
    )
    review.add_argument("--output", type=Path, help="also write the report to this file")
    snapshots = commands.add_parser("snapshots", help="rewrite the template snapshots")
    snapshots.add_argument("--cdk-out", type=Path, required=True)
    snapshots.add_argument("--out", type=Path, default=Path("tests/snapshots"))
    summary = commands.add_parser("summary", help="summarize a synthesized gateway")
    summary.add_argument("--gateway", default=DEFAULT_GATEWAY)
    summary.add_argument("--cdk-out", default="cdk.out")
    init = commands.add_parser(
        "init", help="write a platform team's starter (app, cdk.json, gateway file, Makefile)"
    )
    init.add_argument(
        "folder", nargs="?", type=Path, default=Path(), help="a new or empty folder; default: ."
    )
    return parser


def _policy(path: str, out: Path, templates: list[Path]) -> int:
    from gateway_stack.tools.policy.check import check_templates, write_policy

    try:
        (deployment,) = plan_gateway_file(path).deployments
        for written in write_policy(deployment.platform, out):
            print(f"wrote {written}")
        if not templates:
            return 0
        result = check_templates(deployment.platform, templates)
    except GatewayStackError as error:
        _print_errors(error.messages)
        return 1
    print(result.output if not result.passed else f"{len(templates)} templates pass the policy")
    return 0 if result.passed else 1


def _routes(cdk_out: Path, *, as_json: bool) -> int:
    from gateway_stack.tools.route_table import read_route_table, render_json, render_markdown

    try:
        rows = read_route_table(cdk_out)
    except GatewayStackError as error:
        _print_errors(error.messages)
        return 1
    print(render_json(rows) if as_json else render_markdown(rows))
    return 0 if rows else 1


def _review(args: argparse.Namespace) -> int:
    """``review``: 0, or 1 with ``--fail-on-replace`` when a protected resource would be
    replaced; 2 when the review could not be made."""
    from gateway_stack.assembly import CloudAssembly
    from gateway_stack.tools.review import review_assemblies, review_revision
    from gateway_stack.tools.review.report import render_markdown
    from gateway_stack.tools.review.synth import Toolchain, repository_root

    try:
        if args.assemblies:
            base, head = args.assemblies
            try:
                root = repository_root(Path.cwd())
            except GatewayStackError:  # not in a git working tree: node_modules is here
                root = Path.cwd()
            review = review_assemblies(
                CloudAssembly.read(base),
                CloudAssembly.read(head),
                Toolchain(root),
                base_label=f"`{base}`",
                head_label=f"`{head}`",
            )
        else:
            review = review_revision(Path.cwd(), args.base, args.gateway)
    except GatewayStackError as error:
        _print_errors(error.messages, "; no review was made")
        return 2
    print(render_markdown(review, whole=True), end="")
    if args.output:  # for a pull-request comment: cut to fit one
        args.output.write_text(render_markdown(review))
    if args.fail_on_replace and review.replacements:
        count = len(review.replacements)
        print(
            f"{count} protected resource{'s' * (count != 1)} would be replaced (--fail-on-replace)",
            file=sys.stderr,
        )
        return 1
    return 0


def _init(folder: Path) -> int:
    from gateway_stack.tools.init import write_starter

    try:
        starter = write_starter(folder)
    except GatewayStackError as error:
        _print_errors(error.messages, "; nothing was written")
        return 1
    print(starter.next_steps())
    return 0


def _snapshots(cdk_out: Path, folder: Path) -> int:
    from gateway_stack.assembly import CloudAssembly
    from gateway_stack.tools.snapshots import write_snapshots

    try:
        assembly = CloudAssembly.read(cdk_out)
    except GatewayStackError as error:
        _print_errors(error.messages)
        return 1
    written = write_snapshots(assembly, folder)
    print(f"wrote {len(written)} snapshots to {folder}")
    return 0


def _schema(*, check: bool) -> int:
    text = render_schema()
    if check:
        if not SCHEMA_PATH.is_file() or SCHEMA_PATH.read_text() != text:
            print(f"{SCHEMA_PATH} is out of date: run `make schema`", file=sys.stderr)
            return 1
        return 0
    SCHEMA_PATH.write_text(text)
    print(f"wrote {SCHEMA_PATH}")
    return 0


def _print_warnings(warnings: tuple[str, ...]) -> None:
    """Warnings, on stderr: they never fail the command."""
    for warning in warnings:
        print(warning, file=sys.stderr)
    sys.stderr.flush()


def _print_errors(messages: tuple[str, ...] | list[str], outcome: str = "") -> None:
    stream = sys.stderr
    for message in messages:
        print(message, file=stream)
    count = len(messages)
    print(f"{count} error{'s' if count != 1 else ''}{outcome}.", file=stream)
    stream.flush()

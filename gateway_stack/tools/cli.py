"""Command line: the CDK app's entry point, and ``python -m gateway_stack`` helpers.

python -m gateway_stack validate [GATEWAY]     # load + plan: every error synth would raise
python -m gateway_stack schema [--check]
python -m gateway_stack summary [--gateway GATEWAY] [--cdk-out cdk.out]
python -m gateway_stack routes [--json] [--cdk-out cdk.out] [--gateway GATEWAY]
python -m gateway_stack review [--base REV] [--gateway GATEWAY] [--fail-on-replace]
                               [--assemblies BASE_OUT HEAD_OUT] [--output FILE]
                               [--services NAME,...]
python -m gateway_stack snapshots --cdk-out DIR [--out tests/snapshots]
python -m gateway_stack clients [GATEWAY]
python -m gateway_stack policy [--gateway GATEWAY] [--out cdk.out/policy] [TEMPLATE ...]
python -m gateway_stack init [FOLDER]
python -m gateway_stack credentials set|rotate|revoke GATEWAY CLIENT [--region R]
                               [--secret-stdin] [--replace] [--previous]
python -m gateway_stack smoke [GATEWAY] [--token-command CMD] [--scopes-missing-route ROUTE]
                               [--service NAME] [--base-url URL] [--region REGION|all]
                               [--timeout S] [--max-latency-ms MS] [--json]

GATEWAY is a gateway file, config/example.yaml by default. FOLDER is a new or empty folder, the
current one by default.

Exit codes: 0 done; 1 refused (the messages say why, one per line, then a count), or for
``routes`` no route, for ``smoke`` a check that failed, for ``policy`` a template breaking the
policy, for ``review --fail-on-replace`` a protected resource replaced; ``review`` 2 when no
review could be made, ``smoke`` 2 when it could not run.
Commands that read cdk.out refuse one that is missing, damaged, of another gateway file
(``--gateway``) or older than the gateway file or one of its documents.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from gateway_stack.errors import GatewayStackError
from gateway_stack.gateway.config import GatewayFileError, load_gateway
from gateway_stack.gateway.config.schema import render_schema
from gateway_stack.gateway.plan import plan_gateway_file

if TYPE_CHECKING:
    from gateway_stack.assembly import CloudAssembly
    from gateway_stack.tools.staged_output import StagedOutput

#: Where the committed JSON Schema lives, relative to the repository root.
SCHEMA_PATH = Path("config/gateway.schema.json")
DEFAULT_GATEWAY = "config/example.yaml"
NOTHING_SYNTHESIZED = "; nothing was synthesized"
#: The output folder the CDK CLI passes to the app.
OUTDIR_ENV = "CDK_OUTDIR"
#: Whether the CDK throws (and prints) validation findings itself.
FAIL_ON_VALIDATION_ERRORS = "@aws-cdk/core:failSynthOnValidationErrors"
#: Commands run by the function of their own name in their own module.
_COMMAND_MODULES = {
    "smoke": "gateway_stack.tools.smoke",
    "credentials": "gateway_stack.tools.credentials",
}


def run_app() -> int:
    """Synthesize the gateway named by the ``gateway`` context (what ``app.py`` runs).

    Run by the CDK CLI (``CDK_OUTDIR`` set), the app synthesizes into a staging folder and
    replaces the output folder's assembly only when the whole synth passed (see
    :mod:`gateway_stack.tools.staged_output`): a refused or interrupted synth leaves the previous
    ``cdk.out`` as it was. Returns 0, 1 (refused) or 130 (interrupted).
    """
    outdir = os.environ.get(OUTDIR_ENV)
    if not outdir:  # run without the CLI: the CDK's own temporary folder, as before
        return _synthesize(None)
    from gateway_stack.tools.staged_output import staged_output

    staged = None
    try:
        with staged_output(Path(outdir)) as staged:
            return _synthesize(staged)
    except GatewayStackError as error:  # an output folder a synth must not empty
        _print_errors(error.messages, NOTHING_SYNTHESIZED)
        return 1
    except KeyboardInterrupt:
        if staged is not None and staged.committed:
            return 0
        print(f"synth interrupted; {outdir} was left as it was.", file=sys.stderr)
        # Ctrl-C reaches jsii's Node.js process too: its exit handler then finds the pipe
        # closed, which is expected here and not worth a traceback.
        sys.unraisablehook = _quiet_broken_pipe
        return 130


def _quiet_broken_pipe(unraisable: sys.UnraisableHookArgs) -> None:
    """Drop a broken pipe to jsii's (interrupted) Node.js process; report anything else."""
    if not isinstance(unraisable.exc_value, BrokenPipeError):
        sys.__unraisablehook__(unraisable)


def _synthesize(staged: StagedOutput | None) -> int:
    """Plan, build, synthesize and check the gateway; into ``staged`` (committed when all
    passed) when given."""
    from aws_cdk import App

    from gateway_stack.constructs.synth_errors import error_messages, synth_cleanly
    from gateway_stack.gateway.app import SERVICES_CONTEXT, build_gateway, select_services
    from gateway_stack.gateway.config.loader import load_gateway_file
    from gateway_stack.gateway.plan import plan_gateway
    from gateway_stack.provenance import Provenance
    from gateway_stack.tools.synth_places import SynthPlaces

    # No construct creation stack traces in the assembly's metadata: synth is ~30% faster.
    # Validation findings are not printed by the CDK nor left to the CLI: synth_cleanly reads
    # them from the report and refuses the synth with each one located in the gateway file.
    app = App(
        stack_traces=False,
        outdir=str(staged.folder) if staged is not None else None,
        auto_synth=False,
        post_cli_context={FAIL_ON_VALIDATION_ERRORS: False},
    )
    path = Path(app.node.try_get_context("gateway") or DEFAULT_GATEWAY)
    try:  # a refused plan builds (and writes) nothing
        loaded = load_gateway_file(path)
        plan = plan_gateway(
            loaded.gateway, loaded.path.parent, source=str(loaded.path), lines=loaded.lines
        )
        # The plan is of the whole file (every check ran); only the building is selective.
        services = select_services(plan, app.node.try_get_context(SERVICES_CONTEXT))
    except GatewayStackError as error:
        _print_errors(error.messages, NOTHING_SYNTHESIZED)
        return 1
    _print_warnings(plan.warnings)
    # What the assembly is of, as read now (an edit during the synth makes it out of date).
    provenance = Provenance.of(
        loaded.path,
        [
            loaded.path.parent / service.openapi
            for service in loaded.gateway.services
            if service.openapi is not None
        ],
        services=services,
    )
    places = SynthPlaces(plan, loaded.lines)
    try:
        build_gateway(app, plan, services=services)
        synth_cleanly(app)
    except GatewayStackError as error:
        _print_errors(places.locate_all(error.messages), NOTHING_SYNTHESIZED)
        return 1
    except (ValueError, TypeError, RuntimeError) as error:  # a construct's own check (or jsii's)
        _print_errors(places.locate_all(error_messages(error)), NOTHING_SYNTHESIZED)
        return 1
    if staged is not None:
        provenance.write(staged.folder)
        staged.commit()
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
            f"{args.gateway}: ok ({_count(len(gateway.services), 'service')}, "
            f"{_count(len(gateway.clients), 'client')})"
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
        return _routes(Path(args.cdk_out), as_json=args.json, gateway=args.gateway)
    if args.command == "review":
        return _review(args)
    if args.command == "snapshots":
        return _snapshots(args.cdk_out, args.out)
    if args.command == "policy":
        return _policy(args.gateway, Path(args.out), args.templates)
    if args.command == "init":
        return _init(args.folder)
    if args.command in _COMMAND_MODULES:  # imported only when run (boto3, the smoke runner)
        module = importlib.import_module(_COMMAND_MODULES[args.command])
        return getattr(module, args.command)(args)
    from gateway_stack.tools.summary import summarize

    try:
        print(summarize(plan_gateway_file(args.gateway), args.gateway, Path(args.cdk_out)))
    except GatewayStackError as error:
        _print_errors(error.messages)
        return 1
    return 0


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
    routes.add_argument(
        "--gateway", help="refuse a cdk.out synthesized from another gateway file; default: any"
    )
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
    review.add_argument(
        "--services",
        help="a comma list: synthesize and compare the platform stacks and only these services' "
        "stacks (a selective synth); default: every service",
    )
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
    from gateway_stack.tools.smoke import add_parser as add_smoke

    add_smoke(commands, DEFAULT_GATEWAY)
    from gateway_stack.tools.credentials import add_parser as add_credentials

    add_credentials(commands)
    return parser


def _policy(path: str, out: Path, templates: list[Path]) -> int:
    from gateway_stack.tools.policy.check import check_plan_templates, write_policies

    try:
        plan = plan_gateway_file(path)
        for written in write_policies(plan, out):  # rules per region, one boundary
            print(f"wrote {written}")
        if not templates:
            return 0
        _check_assemblies(templates, path)
        result = check_plan_templates(plan, templates)
    except GatewayStackError as error:
        _print_errors(error.messages)
        return 1
    print(result.output if not result.passed else f"{len(templates)} templates pass the policy")
    return 0 if result.passed else 1


def _check_assemblies(templates: list[Path], gateway: str) -> None:
    """Refuse templates of a cloud assembly synthesized from another gateway file than
    ``gateway``, or before it changed (templates outside an assembly are checked as they are).

    Raises:
        AssemblyError: one line per refused assembly.
    """
    from gateway_stack.assembly import CloudAssembly

    folders = {template.parent for template in templates}
    for folder in sorted(folders):
        if (folder / "manifest.json").is_file():
            assembly = CloudAssembly.read_built_from(folder, gateway)
            print(assembly.built_from, file=sys.stderr)


def _routes(cdk_out: Path, *, as_json: bool, gateway: str | None) -> int:
    from gateway_stack.assembly import CloudAssembly
    from gateway_stack.tools.route_table import render_json, render_markdown, route_table

    try:
        assembly = CloudAssembly.read_built_from(cdk_out, gateway)
        rows = route_table(assembly)
    except GatewayStackError as error:
        _print_errors(error.messages)
        return 1
    print(assembly.built_from, file=sys.stderr)
    print(render_json(rows) if as_json else render_markdown(rows, assembly.regions))
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
            base, head = (CloudAssembly.read_built_from(side, None) for side in args.assemblies)
            for label, side in (("base", base), ("head", head)):
                print(f"{label}: {side.built_from}", file=sys.stderr)
            try:
                root = repository_root(Path.cwd())
            except GatewayStackError:  # not in a git working tree: node_modules is here
                root = Path.cwd()
            review = review_assemblies(
                base,
                head,
                Toolchain(root),
                base_label=f"`{base.directory}`",
                head_label=f"`{head.directory}`",
                gateway=_same_gateway(base, head),
            )
        else:
            review = review_revision(Path.cwd(), args.base, args.gateway, args.services)
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


def _same_gateway(base: CloudAssembly, head: CloudAssembly) -> str | None:
    """The gateway file both assemblies were synthesized from, if they record the same one."""
    sides = {side.provenance.gateway if side.provenance else None for side in (base, head)}
    return sides.pop() if len(sides) == 1 else None


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


def _count(number: int, noun: str) -> str:
    """``1 service``, ``3 services``."""
    return f"{number} {noun}{'s' * (number != 1)}"


def _print_errors(messages: tuple[str, ...] | list[str], outcome: str = "") -> None:
    stream = sys.stderr
    for message in messages:
        print(message, file=stream)
    count = len(messages)
    print(f"{count} error{'s' if count != 1 else ''}{outcome}.", file=stream)
    stream.flush()

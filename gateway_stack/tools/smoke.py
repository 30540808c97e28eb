"""``python -m gateway_stack smoke GATEWAY``: call a deployed gateway's routes and check each
answer against its gateway file (docs/smoke.md).

The checks come from the plan (:func:`gateway_stack.gateway.smoke_checks.checks_for`), the
requests from the runner the synthetic canaries share (:mod:`gateway_stack.smoke`). The test
client's token comes from a command the team configures (``--token-command``), so any identity
provider works; it is never printed.

A multi-region gateway is checked one region at a time, through that region's own name
(``--region``, default the home region; ``--region all`` checks every region in one run).

Exit codes: 0 every check passed; 1 a check failed (the table names it and says why); 2 the
run could not be made (a bad gateway file or option, a token command that failed).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from gateway_stack.errors import GatewayStackError
from gateway_stack.gateway.plan import Deployment, GatewayPlan, plan_gateway_file
from gateway_stack.gateway.smoke_checks import DEFAULT_MAX_LATENCY_MS, checks_for
from gateway_stack.smoke import MAX_REQUESTS, Check, Result, run_checks
from gateway_stack.smoke.runner import MASK, statuses

#: How long the token command may take, in seconds.
TOKEN_COMMAND_TIMEOUT_S = 60
#: Exit codes.
PASSED, FAILED, COULD_NOT_RUN = 0, 1, 2
#: ``--region``'s value for every region of the gateway.
ALL_REGIONS = "all"


@dataclass(frozen=True)
class CouldNotRun(Exception):
    """The run cannot be made: one line saying why."""

    message: str


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], default_gateway: str
) -> None:
    """The ``smoke`` subcommand and its options (the gateway file is ``default_gateway`` when
    none is named)."""
    smoke = commands.add_parser(
        "smoke", help="call a deployed gateway's routes; check each answer (exit 1 on a mismatch)"
    )
    smoke.add_argument(
        "gateway",
        nargs="?",
        default=default_gateway,
        help=f"the gateway file the gateway was deployed from; default {default_gateway}",
    )
    smoke.add_argument(
        "--token-command",
        metavar="CMD",
        help="a shell command that prints the test client's token (never shown); without it, "
        "the checks that need a token are not made",
    )
    smoke.add_argument(
        "--scopes-missing-route",
        action="append",
        default=[],
        metavar="'SERVICE METHOD PATH'",
        help="a route the test client's token lacks a scope for: expect 403 (repeatable)",
    )
    smoke.add_argument(
        "--service",
        action="append",
        default=[],
        metavar="NAME",
        help="only this service (repeatable)",
    )
    smoke.add_argument(
        "--base-url",
        metavar="URL",
        help="call every service here (http://127.0.0.1:8080, a region's own name) instead of "
        "through each public name",
    )
    smoke.add_argument(
        "--region",
        metavar="REGION",
        help="a multi-region gateway's region to check, through its own name (regional_name); "
        f"'{ALL_REGIONS}' for every region; default: the home region (the file's region)",
    )
    smoke.add_argument(
        "--timeout", type=float, default=10.0, metavar="S", help="each request's timeout"
    )
    smoke.add_argument(
        "--max-latency-ms",
        type=int,
        default=DEFAULT_MAX_LATENCY_MS,
        metavar="MS",
        help=f"the slowest answer that passes; default {DEFAULT_MAX_LATENCY_MS}",
    )
    smoke.add_argument("--json", action="store_true", help="JSON instead of a table (CI)")


def smoke(args: argparse.Namespace) -> int:
    """Run the ``smoke`` subcommand; returns its exit code."""
    try:
        checks, token = _prepare(args)
    except GatewayStackError as error:
        for message in error.messages:
            print(message, file=sys.stderr)
        count = len(error.messages)
        print(f"smoke: not run ({count} problem{'s' * (count != 1)})", file=sys.stderr)
        return COULD_NOT_RUN
    except CouldNotRun as error:
        print(f"smoke: {error.message}", file=sys.stderr)
        return COULD_NOT_RUN
    results = run_checks(checks, token, timeout_s=args.timeout)
    skipped = (
        ""
        if token is not None
        else "no --token-command: the checks with the test client's token were not made"
    )
    output = _json(args.gateway, results, skipped) if args.json else _table(results, skipped)
    if token:
        output = output.replace(token, MASK)
    print(output)
    return PASSED if all(r.ok for r in results) else FAILED


def _is_base_url(text: str) -> bool:
    """Whether ``text`` is a URL the checks can be appended to."""
    if any(character.isspace() for character in text):
        return False
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and not parts.query
        and not parts.fragment
    )


def _prepare(args: argparse.Namespace) -> tuple[list[Check], str | None]:
    if not math.isfinite(args.timeout) or args.timeout <= 0:
        raise CouldNotRun(f"--timeout {args.timeout:g}: a positive number of seconds")
    if args.max_latency_ms <= 0:
        raise CouldNotRun(f"--max-latency-ms {args.max_latency_ms}: a positive number")
    if args.base_url is not None and not _is_base_url(args.base_url):
        raise CouldNotRun(
            f"--base-url {args.base_url!r}: an http:// or https:// URL with a host (and port), "
            "without spaces, query or fragment, e.g. https://api.eu-west-1.example.com"
        )
    if args.scopes_missing_route and not args.token_command:
        raise CouldNotRun("--scopes-missing-route needs --token-command (the call is made with it)")
    plan = plan_gateway_file(args.gateway)
    checks = checks_for(
        deployments(plan, getattr(args, "region", None), base_url=args.base_url),
        services=args.service,
        base_url=args.base_url,
        scopes_missing=args.scopes_missing_route,
        with_token=args.token_command is not None,
        max_latency_ms=args.max_latency_ms,
    )
    if len(checks) > MAX_REQUESTS:
        raise CouldNotRun(
            f"{len(checks)} checks, over the {MAX_REQUESTS} requests a smoke run sends; "
            "name the services to check with --service (or one region with --region)"
        )
    token = read_token(args.token_command) if args.token_command else None
    return checks, token


def deployments(
    plan: GatewayPlan, region: str | None, *, base_url: str | None = None
) -> GatewayPlan | Deployment:
    """What ``--region`` picks: the deployment of ``region``, the whole plan for
    :data:`ALL_REGIONS`, the home deployment (the first) when None.

    Raises:
        CouldNotRun: the gateway has no such region, or ``all`` with a ``--base-url`` (one
            place cannot be every region).
    """
    if region is None:
        return plan.deployments[0]
    if region == ALL_REGIONS:
        if base_url is not None and len(plan.deployments) > 1:
            raise CouldNotRun(
                f"--region {ALL_REGIONS} with --base-url: one URL reaches one region; name the "
                "region it reaches with --region"
            )
        return plan
    found = next((d for d in plan.deployments if d.region == region), None)
    if found is None:
        regions = ", ".join(d.region for d in plan.deployments)
        raise CouldNotRun(
            f"--region {region}: the gateway file has no such region (it has {regions}); "
            f"'{ALL_REGIONS}' checks every region"
        )
    return found


def read_token(command: str) -> str:
    """The token the shell command prints (its one line of output).

    Raises:
        CouldNotRun: the command failed, timed out or printed no token (or more than one
            line); the message never holds what it printed.
    """
    try:
        done = subprocess.run(
            command,
            shell=True,
            capture_output=True,
            text=True,
            timeout=TOKEN_COMMAND_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise CouldNotRun(
            f"--token-command did not finish in {TOKEN_COMMAND_TIMEOUT_S} s"
        ) from None
    if done.returncode != 0:
        said = next((line.strip() for line in done.stderr.splitlines() if line.strip()), "")
        raise CouldNotRun(
            f"--token-command failed (exit {done.returncode})" + (f": {said[:200]}" if said else "")
        )
    lines = [line.strip() for line in done.stdout.splitlines() if line.strip()]
    if len(lines) != 1 or any(c.isspace() for c in lines[0]):
        raise CouldNotRun(
            "--token-command printed "
            + ("nothing" if not lines else f"{len(lines)} lines or a line with spaces")
            + "; it prints the token alone, on one line"
        )
    return lines[0]


def expectation(check: Check) -> str:
    """What a check expects, in a few words: ``401, JSON error, CORS origin``."""
    parts = [statuses(check.expect_status)]
    if check.expect_json_error:
        parts.append("JSON error")
    if check.expect_cors_origin is not None:
        parts.append("CORS origin")
    return ", ".join(parts)


def _table(results: Sequence[Result], skipped: str) -> str:
    """A line per check (route, expected, got, latency), then its request and what came with
    the answer, then what differs when it failed."""
    header = ("", "route", "expected", "got", "latency")
    rows = [
        (
            "ok" if r.ok else "FAIL",
            r.check.name[: r.check.name.rfind(" (")],  # the name is in the URL below
            expectation(r.check),
            str(r.status) if r.status is not None else "no answer",
            f"{r.latency_ms:.0f} ms",
        )
        for r in results
    ]
    widths = [max([len(header[i]), *(len(row[i]) for row in rows)]) for i in range(len(header))]
    indent = " " * (widths[0] + 2)
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    for row, result in zip(rows, results, strict=True):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        request = f"{result.check.method} {result.check.url}"
        lines.append(indent + request + (f": {result.detail}" if result.detail else ""))
        if not result.ok:
            lines.append(indent + "-> " + result.problem)
    failed = [r for r in results if not r.ok]
    lines.append("")
    if skipped:
        lines.append(skipped)
    lines.append(
        f"{len(results)} checks, all passed"
        if not failed
        else f"{len(failed)} of {len(results)} checks failed: "
        + "; ".join(r.check.name for r in failed)
    )
    return "\n".join(lines)


def _json(gateway: str, results: Sequence[Result], skipped: str) -> str:
    return json.dumps(
        {
            "gateway": gateway,
            "passed": all(r.ok for r in results),
            "checks": len(results),
            "failed": sum(not r.ok for r in results),
            "not_made": skipped,
            "results": [r.to_json() for r in results],
        },
        indent=2,
    )

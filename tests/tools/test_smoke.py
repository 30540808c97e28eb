"""``python -m gateway_stack smoke``: against a loopback server that answers as the example's
gateway would, it passes; each fault a wrong deployment causes fails it, naming the route."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway_stack.gateway.plan import GatewayPlan, plan_gateway_file
from gateway_stack.tools.cli import main
from tests.conftest import EXAMPLE, ROOT
from tests.smoke.fake_gateway import TOKEN, FakeGateway, serve

SCOPED = "inventory POST /items/{sku}/reservations"
#: The example's checks through one base URL: orders 6 (2 without a token, 2 with it, the
#: unknown path, the preflight), inventory 8 (the same, the missing scope, the public health
#: check), billing 5 (its root {proxy+} leaves no unknown path).
CHECKS = 19


@pytest.fixture(scope="module")
def plan() -> GatewayPlan:
    return plan_gateway_file(EXAMPLE)


@pytest.fixture
def gateway(plan: GatewayPlan) -> FakeGateway:
    return FakeGateway(plan)


@pytest.fixture
def base_url(gateway: FakeGateway) -> Iterator[str]:
    with serve(gateway) as url:
        yield url


def token_command(tmp_path: Path) -> str:
    """A command that prints the token, as an identity provider's CLI would."""
    script = tmp_path / "token.sh"
    script.write_text(f"#!/bin/sh\necho {TOKEN}\n")
    script.chmod(0o755)
    return str(script)


def smoke(base_url: str, tmp_path: Path, *extra: str) -> list[str]:
    return [
        "smoke",
        str(EXAMPLE),
        "--base-url",
        base_url,
        "--token-command",
        token_command(tmp_path),
        "--scopes-missing-route",
        SCOPED,
        "--max-latency-ms",
        "400",
        "--timeout",
        "5",
        *extra,
    ]


def test_passes_against_a_gateway_that_answers_as_its_file_says(
    base_url: str, gateway: FakeGateway, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(smoke(base_url, tmp_path)) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "FAIL" not in out
    assert out.rstrip().endswith("checks, all passed")
    for route in (
        "orders GET /orders without a token",
        "orders GET /orders with the token",
        "inventory POST /items/{sku}/reservations without its scope",
        "inventory GET /gateway-stack-smoke-no-such-route unknown path",
        "inventory OPTIONS /items CORS preflight",
        "inventory GET /health public, without a token",
        "billing ANY /{proxy+} with the token",
    ):
        assert route in out
    # the token went to the gateway, and never to the output
    assert any(h.get("Authorization") == f"Bearer {TOKEN}" for _, _, h in gateway.requests)
    assert TOKEN not in out + err


def test_json_for_ci(base_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(smoke(base_url, tmp_path, "--json")) == 0
    out = capsys.readouterr().out
    report = json.loads(out)
    assert report["passed"] is True
    assert report["failed"] == 0
    assert report["checks"] == len(report["results"]) == CHECKS
    with_token = next(
        r
        for r in report["results"]
        if r["check"]["name"].startswith("orders GET /orders with the token")
    )
    assert with_token["check"]["credentials"] == "token"
    assert with_token["status"] == 200
    assert TOKEN not in out


@pytest.mark.parametrize(
    ("fault", "at", "route", "problem"),
    [
        (
            "open",
            "/inventory/items",
            "inventory GET /items without a token",
            "expected 401, got 200",
        ),
        (
            "status",
            "/orders/orders",
            "orders GET /orders with the token",
            "expected 200-499 but 401, 403, 429, got 502",
        ),
        (
            "no-cors",
            "OPTIONS /inventory/items",
            "inventory OPTIONS /items CORS preflight",
            "expected Access-Control-Allow-Origin: https://app.example.com, got no such header",
        ),
        (
            "slow",
            "/inventory/health",
            "inventory GET /health public, without a token",
            "over the 400 ms maximum",
        ),
    ],
)
def test_each_fault_fails_naming_the_route(
    *,
    fault: str,
    at: str,
    route: str,
    problem: str,
    base_url: str,
    gateway: FakeGateway,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    gateway.faults[at] = fault
    assert main(smoke(base_url, tmp_path)) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    failed = [i for i, line in enumerate(lines) if line.startswith("FAIL")]
    assert len(failed) == 1, out
    assert route in lines[failed[0]]
    assert problem in lines[failed[0] + 2]
    assert lines[-1].startswith(f"1 of {CHECKS} checks failed: {route}")
    assert TOKEN not in out


def test_the_gateway_answering_no_route_fails_a_call_with_the_token(
    base_url: str, gateway: FakeGateway, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A backend's 404 passes; the gateway's own "no route" 404 (a stage deployed without the
    route) does not."""
    gateway.faults["GET /inventory/items"] = "missing"
    assert main(smoke(base_url, tmp_path, "--service", "inventory")) == 1
    out = capsys.readouterr().out
    assert '-> the gateway answered itself: MISSING_AUTHENTICATION_TOKEN "No route matches"' in out


def test_a_token_the_gateway_refuses_is_never_printed(
    base_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = "not-the-test-clients-token-0123456789"
    args = smoke(base_url, tmp_path)
    args[args.index("--token-command") + 1] = f"echo {wrong}"
    assert main(args) == 1
    out, err = capsys.readouterr()
    assert "orders GET /orders with the token" in out
    assert "got 401" in out
    assert wrong not in out + err


def test_without_a_token_command_the_token_checks_are_not_made(
    base_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["smoke", str(EXAMPLE), "--base-url", base_url, "--timeout", "5"]) == 0
    out = capsys.readouterr().out
    assert "with the token" not in out
    assert "no --token-command: the checks with the test client's token were not made" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--token-command", "echo no such provider >&2; exit 3"],
            "smoke: --token-command failed (exit 3): no such provider",
        ),
        (["--token-command", "true"], "smoke: --token-command printed nothing;"),
        (
            ["--token-command", "echo one; echo two"],
            "smoke: --token-command printed 2 lines or a line with spaces;",
        ),
        (
            ["--token-command", "true", "--scopes-missing-route", "inventory GET /items"],
            "--scopes-missing-route 'inventory GET /items': the route requires no scope",
        ),
        (
            ["--token-command", "true", "--scopes-missing-route", "inventory GET /nowhere"],
            "--scopes-missing-route 'inventory GET /nowhere': no such route",
        ),
        (["--scopes-missing-route", SCOPED], "--scopes-missing-route needs --token-command"),
        (["--service", "payments"], "service 'payments': the gateway file has no such service"),
        (["--base-url", "ftp://x"], "smoke: --base-url 'ftp://x': an http:// or https:// URL"),
        (["--base-url", "http://"], "smoke: --base-url 'http://': an http:// or https:// URL"),
        (["--base-url", "http://[::1"], "smoke: --base-url 'http://[::1': an http://"),
        (["--base-url", "http://a b"], "smoke: --base-url 'http://a b': an http://"),
        (["--base-url", "http://127.0.0.1:9?x=1"], "without spaces, query or fragment"),
        (["--timeout", "nan"], "smoke: --timeout nan: a positive number of seconds"),
        (["--timeout", "inf"], "smoke: --timeout inf: a positive number of seconds"),
        (
            ["--token-command", "true", "--service", "orders", "--scopes-missing-route", SCOPED],
            "--scopes-missing-route for service 'inventory', which the chosen services leave out",
        ),
    ],
)
def test_it_could_not_run(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["smoke", str(EXAMPLE), *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert message in err


def test_a_bad_gateway_file_could_not_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "gateway.yaml"
    bad.write_text("name: acme\n")
    assert main(["smoke", str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err
    assert "smoke: not run" in err


def test_make_smoke_passes_against_the_loopback_server(base_url: str, tmp_path: Path) -> None:
    """``make smoke``, as a platform team runs it (the token command as a shell command)."""
    done = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "smoke",
            f"GATEWAY={EXAMPLE}",
            f"TOKEN_COMMAND={shlex.quote(token_command(tmp_path))} --quiet",
            f"BASE_URL={base_url}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "checks, all passed" in done.stdout
    assert TOKEN not in done.stdout + done.stderr

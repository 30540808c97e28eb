"""The synthetic canary's script: the smoke checks, run on a schedule by CloudWatch Synthetics.

The bundle (``gateway_stack/gateway/platform/canary_code.py``) puts this file at
``python/handler.py`` with, beside it, the smoke runner (``gateway_stack/smoke/``, the very module
``python -m gateway_stack smoke`` runs) and ``checks.json``, the service's checks written at synth
from the gateway's plan. Each run:

1. reads the test client's ``client_id`` and ``client_secret`` from the Secrets Manager secret
   named by ``CREDENTIALS_SECRET_ARN``;
2. asks ``TOKEN_URL`` for a token (OAuth2 client credentials, HTTP Basic client authentication,
   the ``TOKEN_SCOPES`` if any);
3. runs the checks with :func:`gateway_stack.smoke.run_checks`, and raises :class:`CanaryFailure`
   (the run fails, and the ``SuccessPercent`` metric drops) naming every check that did not get
   its answer.

The token and the secret are never logged nor put in a message. Standard library and boto3 only
(both come with the Synthetics runtime).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from gateway_stack.smoke import Check, Result, run_checks
from gateway_stack.smoke.runner import MASK

LOGGER = logging.getLogger("canary")
#: The checks written at synth, beside this file.
CHECKS_FILE = Path(__file__).resolve().parent / "checks.json"
#: Seconds the token request may take.
TOKEN_TIMEOUT_S = 10.0


class CanaryFailure(Exception):
    """The run failed: a check did not get its answer, or no token could be had."""


def handler(event: Any, context: Any) -> dict[str, Any]:
    """Run the service's checks once; raise :class:`CanaryFailure` on any mismatch.

    Returns:
        ``{"checks": <count>, "passed": <count>}`` when every check passed.
    """
    checks = load_checks(CHECKS_FILE)
    token = fetch_token(
        read_credentials(os.environ["CREDENTIALS_SECRET_ARN"]),
        os.environ["TOKEN_URL"],
        os.environ.get("TOKEN_SCOPES", ""),
    )
    results = run_checks(checks, token)
    for result in results:
        LOGGER.info(
            "%s: %s (%s, %.0f ms)",
            result.check.name,
            "ok" if result.ok else "FAILED",
            result.status,
            result.latency_ms,
        )
    failed = [result for result in results if not result.ok]
    if failed:
        raise CanaryFailure(_without(failure_message(failed, len(results)), token))
    return {"checks": len(results), "passed": len(results)}


def load_checks(path: Path) -> list[Check]:
    """The checks in ``path`` (a JSON list of :meth:`Check.to_json` objects).

    Raises:
        CanaryFailure: the file is not such a list (a broken bundle).
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        checks = [Check.from_json(item) for item in data] if isinstance(data, list) else []
    except (OSError, ValueError, TypeError, AttributeError) as error:
        raise CanaryFailure(f"the canary's checks ({path.name}) cannot be read: {error}") from None
    if not checks:
        raise CanaryFailure(f"the canary's checks ({path.name}) are not a non-empty JSON list")
    return checks


def read_credentials(secret_arn: str, client: Any = None) -> tuple[str, str]:
    """The test client's ``(client_id, client_secret)`` from the secret's JSON; ``client`` is
    a Secrets Manager client. Default: one made with the runtime's credentials.

    Raises:
        CanaryFailure: the secret cannot be read or lacks either key (its value is never shown).
    """
    import boto3  # the runtime's; imported here so that the checks load without it
    from botocore.exceptions import BotoCoreError, ClientError

    client = client or boto3.client("secretsmanager")
    try:
        value = client.get_secret_value(SecretId=secret_arn)["SecretString"]
    except (BotoCoreError, ClientError, KeyError) as error:
        code = getattr(error, "response", {}).get("Error", {}).get("Code", type(error).__name__)
        raise CanaryFailure(f"the secret {secret_arn} cannot be read ({code})") from None
    try:
        data = json.loads(value)
    except ValueError:
        data = None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("client_id"), str)
        or not isinstance(data.get("client_secret"), str)
    ):
        raise CanaryFailure(
            f"the secret {secret_arn} is not a JSON object with string client_id and client_secret"
        )
    return data["client_id"], data["client_secret"]


def fetch_token(credentials: tuple[str, str], token_url: str, scopes: str = "") -> str:
    """An access token by OAuth2's client-credentials grant (RFC 6749 section 4.4), with HTTP
    Basic client authentication, asking for ``scopes`` (space-separated). Default: none asked.
    A redirect from the endpoint is refused (the credentials would follow it).

    Raises:
        CanaryFailure: the endpoint refused or answered without an ``access_token``; the message
            names the endpoint and the status, never the credentials or the answer's body.
    """
    client_id, client_secret = credentials
    basic = ":".join(urllib.parse.quote_plus(part) for part in (client_id, client_secret))
    form = {"grant_type": "client_credentials"}
    if scopes.strip():
        form["scope"] = " ".join(scopes.split())
    request = urllib.request.Request(
        token_url,
        data=urllib.parse.urlencode(form).encode(),
        method="POST",
        headers={
            "Authorization": "Basic " + base64.b64encode(basic.encode()).decode(),
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        },
    )
    try:
        with _NO_REDIRECTS.open(request, timeout=TOKEN_TIMEOUT_S) as answer:
            body = answer.read()
    except urllib.error.HTTPError as error:
        raise CanaryFailure(
            f"the token endpoint {token_url} refused the test client: HTTP {error.code}"
        ) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise CanaryFailure(f"the token endpoint {token_url} cannot be reached: {reason}") from None
    try:
        token = json.loads(body).get("access_token")
    except (ValueError, AttributeError):
        token = None
    if not isinstance(token, str) or not token:
        raise CanaryFailure(f"the token endpoint {token_url} answered without an access_token")
    return token


def failure_message(failed: list[Result], total: int) -> str:
    """One line per failed check: its name (the route and what it expects) and the problem."""
    lines = [f"{len(failed)} of {total} checks failed:"]
    lines += [f"- {result.check.name}: {result.problem}" for result in failed]
    return "\n".join(lines)


def _without(message: str, token: str) -> str:
    """``message`` with the token masked as the runner masks it, should an answer echo it."""
    return message.replace(token, MASK) if token else message


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an error: urllib would send the client's Basic credentials on to wherever
    the token endpoint points (another host, or plain HTTP)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_NO_REDIRECTS = urllib.request.build_opener(_RefuseRedirects)

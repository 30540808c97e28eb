"""``python -m gateway_stack credentials set|rotate|revoke GATEWAY CLIENT``: a client's Basic
credentials, stored only as salted scrypt hashes in an SSM SecureString (docs/auth-modes.md).

- ``set``: a first secret (refused when the client has one, unless ``--replace``).
- ``rotate``: a new secret; the current one stays valid as the previous one until
  ``revoke --previous`` (or the next rotation, which drops it).
- ``revoke --previous``: only the current secret stays valid; ``revoke``: none does (the
  parameter is deleted).

The secret is read from standard input (``--secret-stdin``: 24 to 256 printable ASCII
characters, no spaces) or generated (32 random bytes, base64url) and printed once, alone on
standard output; what was done goes to standard error. The parameter is
``/gateway-stack/<gateway>/<environment>/credentials/<client>`` in every region of the gateway
(``Gateway.all_regions``, the home first): DNS sends a client to any region, so one run gives
every region the same secret, each region's record with its own salt. Every region's record is
read and checked before any is written, so a refusal changes nothing anywhere. ``--region`` limits
the run to one region of the gateway (a region the gateway does not have is refused, exit 2).
boto3 honours ``AWS_ENDPOINT_URL`` (tests use a moto server).

The record written (what the authorizer's ``token_authorizer.basic_records`` reads)::

    {"version": 1, "hashes": [{"alg": "scrypt", "n": 16384, "r": 8, "p": 1,
                               "salt": "<base64 16 bytes>", "hash": "<base64 32 bytes>",
                               "created": "<ISO 8601 UTC>"}]}
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import secrets
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from gateway_stack.errors import GatewayStackError
from gateway_stack.gateway.config import load_gateway
from gateway_stack.naming import GatewayNames

#: scrypt cost: 16 MiB and about 50 ms of one core per verification (docs/auth-modes.md).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
GENERATED_SECRET_BYTES = 32
MIN_SECRET_CHARS, MAX_SECRET_CHARS = 24, 256
_SECRET = re.compile(r"[\x21-\x7e]+")
RECORD_VERSION = 1


@dataclass(frozen=True)
class Target:
    """Where a client's record lives.

    Attributes:
        parameter: the SSM parameter name.
        region: the region the parameter is in.
        client: the client id.
    """

    parameter: str
    region: str
    client: str


def hash_secret(
    secret: bytes, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P
) -> dict[str, Any]:
    """One stored hash of ``secret``: a fresh random salt, scrypt with ``n``, ``r``, ``p``
    (defaults ``SCRYPT_N``, ``SCRYPT_R``, ``SCRYPT_P``)."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(
        secret, salt=salt, n=n, r=r, p=p, maxmem=129 * 1024 * 1024, dklen=HASH_BYTES
    )
    return {
        "alg": "scrypt",
        "n": n,
        "r": r,
        "p": p,
        "salt": base64.b64encode(salt).decode(),
        "hash": base64.b64encode(digest).decode(),
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def render_record(hashes: list[dict[str, Any]]) -> str:
    """The parameter value holding ``hashes`` (current first)."""
    return json.dumps({"version": RECORD_VERSION, "hashes": hashes}, separators=(",", ":"))


class UnknownRegion(GatewayStackError):
    """``--region`` names a region the gateway does not have."""


def targets_of(gateway_file: str, client: str, region: str | None) -> list[Target]:
    """The record's parameter for ``client`` of the gateway file in every region of the
    gateway (the home first), or only in ``region`` (default: every region).

    Raises:
        UnknownRegion: ``region`` is not one of the gateway's regions.
        GatewayStackError: the file is invalid or does not list the client.
    """
    gateway = load_gateway(gateway_file)
    known = [item.id for item in gateway.clients]
    if client not in known:
        raise GatewayStackError(
            [
                f"{gateway_file}: clients: no client {client!r}; Basic credentials are only for "
                f"the clients the file lists ({', '.join(known) or 'none'})"
            ]
        )
    regions = gateway.all_regions
    if region is not None and region not in regions:
        raise UnknownRegion(
            [
                f"--region: {region} is not a region of {gateway_file} (its regions: "
                f"{', '.join(regions)})"
            ]
        )
    names = GatewayNames(gateway.name, gateway.environment)
    parameter = f"{names.parameter_path}/credentials/{client}"
    return [Target(parameter, where, client) for where in ([region] if region else regions)]


def read_secret(stream: TextIO) -> bytes:
    """The secret on ``stream`` (one line; its line break dropped); ``GatewayStackError``
    unless it is 24-256 printable ASCII characters without spaces."""
    text = stream.read(MAX_SECRET_CHARS + 3)
    text = text[:-1] if text.endswith("\n") else text
    text = text[:-1] if text.endswith("\r") else text
    if not MIN_SECRET_CHARS <= len(text) <= MAX_SECRET_CHARS or not _SECRET.fullmatch(text):
        raise GatewayStackError(
            [
                f"standard input: the secret must be {MIN_SECRET_CHARS} to {MAX_SECRET_CHARS} "
                "printable ASCII characters without spaces (leave out --secret-stdin to have "
                "one generated)"
            ]
        )
    return text.encode("ascii")


def new_secret() -> str:
    """A generated secret: ``GENERATED_SECRET_BYTES`` random bytes, base64url (43 characters)."""
    return secrets.token_urlsafe(GENERATED_SECRET_BYTES)


class CredentialsCommand:
    """The three operations on one client's record in one or more regions, through an SSM
    client per region. Every region's record is read and checked before any is written.

    Args:
        stores: each region's SSM client and the client's record there (the home first).
        err: where progress messages go. Default: standard error (as it is when writing).
    """

    def __init__(self, stores: Sequence[tuple[Any, Target]], err: TextIO | None = None) -> None:
        if not stores:
            raise ValueError("CredentialsCommand: no region to write to")
        self._stores = list(stores)
        self._err = err
        #: The regions changed so far (in order), for a run that AWS stops part-way.
        self.changed: list[str] = []
        self._client = stores[0][1].client

    def _name(self, target: Target) -> str:
        """The parameter, with its region when there are several."""
        many = len(self._stores) > 1
        return f"{target.parameter} in {target.region}" if many else target.parameter

    def _current(self, ssm: Any, target: Target) -> list[dict[str, Any]] | None:
        try:
            response = ssm.get_parameter(Name=target.parameter, WithDecryption=True)
        except ssm.exceptions.ParameterNotFound:
            return None
        try:
            hashes = json.loads(response["Parameter"]["Value"])["hashes"]
        except (ValueError, KeyError, TypeError):
            hashes = None
        if not isinstance(hashes, list) or not hashes:
            raise GatewayStackError(
                [
                    f"{self._name(target)}: not a credentials record; "
                    "`credentials set --replace` writes a new one"
                ]
            )
        return hashes

    def _currents(self) -> list[list[dict[str, Any]] | None]:
        return [self._current(ssm, target) for ssm, target in self._stores]

    def _refuse(self, targets: list[Target], reason: str) -> None:
        if targets:
            raise GatewayStackError([f"{self._name(target)}: {reason}" for target in targets])

    def _write(self, ssm: Any, target: Target, hashes: list[dict[str, Any]]) -> None:
        ssm.put_parameter(
            Name=target.parameter,
            Value=render_record(hashes),
            Type="SecureString",
            Overwrite=True,
            Description=f"Basic credentials (scrypt hashes) of client {target.client}",
        )
        self.changed.append(target.region)

    def _say(self, target: Target, message: str) -> None:
        stream = self._err or sys.stderr
        print(f"{target.parameter} ({target.region}): {message}", file=stream)

    def set(self, secret: bytes, *, replace: bool) -> None:
        """Make ``secret`` the client's only secret in every region."""
        currents = self._currents()
        if not replace:
            self._refuse(
                [t for (_, t), current in zip(self._stores, currents, strict=True) if current],
                f"client {self._client!r} already has Basic credentials; `credentials rotate` "
                "keeps the current secret valid while the client switches, `set --replace` "
                "ends it at once",
            )
        for ssm, target in self._stores:
            self._write(ssm, target, [hash_secret(secret)])
            self._say(target, "set; one secret is valid")

    def rotate(self, secret: bytes) -> None:
        """Make ``secret`` the current secret in every region; each region's current one
        becomes its previous one."""
        currents = self._currents()
        self._refuse(
            [t for (_, t), current in zip(self._stores, currents, strict=True) if not current],
            f"client {self._client!r} has no Basic credentials to rotate; `credentials set` "
            "gives it a first secret",
        )
        for (ssm, target), current in zip(self._stores, currents, strict=True):
            assert current is not None  # refused above
            if len(current) > 1:
                self._say(target, "the secret before the current one is no longer valid")
            self._write(ssm, target, [hash_secret(secret), current[0]])
            self._say(
                target,
                "rotated; the new and the previous secret are valid until `revoke --previous`",
            )

    def revoke(self, *, previous: bool) -> None:
        """End the previous secret (``previous``), or every secret of the client, in every
        region."""
        currents = self._currents()
        pairs = list(zip(self._stores, currents, strict=True))
        self._refuse(
            [t for (_, t), current in pairs if not current],
            f"client {self._client!r} has no credentials",
        )
        if previous:
            self._refuse(
                [t for (_, t), current in pairs if current and len(current) < 2],
                "no previous secret (no rotation in progress)",
            )
        for (ssm, target), current in pairs:
            assert current is not None  # refused above
            if previous:
                self._write(ssm, target, [current[0]])
                self._say(target, "the previous secret is revoked; only the current one is valid")
            else:
                ssm.delete_parameter(Name=target.parameter)
                self.changed.append(target.region)
                self._say(target, "every secret is revoked (the parameter is deleted)")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``credentials`` subcommand: ``set``, ``rotate``, ``revoke``."""
    parser = commands.add_parser("credentials", help="a client's Basic credentials (SSM)")
    actions = parser.add_subparsers(dest="action", required=True)
    for name, text in (
        ("set", "give a client its first secret (printed once unless --secret-stdin)"),
        ("rotate", "a new secret; the current one stays valid until `revoke --previous`"),
        ("revoke", "end the previous secret (--previous) or all of them"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("gateway", help="the gateway file")
        action.add_argument("client", help="a client id the gateway file lists")
        action.add_argument(
            "--region", help="only this region of the gateway; default: every region"
        )
        if name == "revoke":
            action.add_argument("--previous", action="store_true", help="only the previous secret")
        else:
            action.add_argument(
                "--secret-stdin", action="store_true", help="read the secret from stdin"
            )
        if name == "set":
            action.add_argument(
                "--replace", action="store_true", help="replace existing credentials at once"
            )


def credentials(args: argparse.Namespace, stdin: TextIO | None = None) -> int:
    """Run ``credentials``: 0 done, 1 refused (the messages say why), 2 ``--region`` is not a
    region of the gateway. The secret is read from ``stdin`` (default: ``sys.stdin``) with
    ``--secret-stdin``."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    command: CredentialsCommand | None = None
    generated: str | None = None
    try:
        targets = targets_of(args.gateway, args.client, args.region)
        stores = [(boto3.client("ssm", region_name=t.region), t) for t in targets]
        command = CredentialsCommand(stores)
        if args.action == "revoke":
            command.revoke(previous=args.previous)
            return 0
        generated = None if args.secret_stdin else new_secret()
        secret = read_secret(stdin or sys.stdin) if generated is None else generated.encode("ascii")
        if args.action == "set":
            command.set(secret, replace=args.replace)
        else:
            command.rotate(secret)
    except UnknownRegion as error:
        _print(error.messages)
        return 2
    except GatewayStackError as error:  # a GatewayFileError too
        _print(error.messages)
        return 1
    except (BotoCoreError, ClientError) as error:
        changed = command.changed if command is not None else []
        if not changed:
            _print([f"AWS refused or could not be reached: {error}"])
            return 1
        rest = [t.region for t in targets if t.region not in changed]
        for message in (
            f"AWS refused or could not be reached: {error}",
            f"changed in {', '.join(changed)} only; the regions disagree until `credentials "
            f"{args.action}` succeeds with --region for each of {', '.join(rest)}"
            + ("" if args.action == "revoke" else " and the same secret (--secret-stdin)"),
        ):
            print(message, file=sys.stderr)
        if generated is not None:
            print(generated)  # valid where it was written: the only time it is shown
        return 1
    if generated is not None:
        print(generated)  # the only time it is shown
    return 0


def _print(messages: tuple[str, ...] | list[str]) -> None:
    for message in messages:
        print(message, file=sys.stderr)
    print(
        f"{len(messages)} error{'s' * (len(messages) != 1)}; nothing was changed.", file=sys.stderr
    )

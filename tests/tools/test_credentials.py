"""``python -m gateway_stack credentials``: against a moto server on 127.0.0.1 (AWS_ENDPOINT_URL),
each record checked with the authorizer's own reader."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gateway_stack.tools.cli import main

ROOT = Path(__file__).resolve().parents[2]
GATEWAY = str(ROOT / "config" / "example.yaml")
#: Two regions: eu-west-1 (the home) and us-east-1.
MULTI_REGION = str(ROOT / "config" / "multi-region.yaml")
REGIONS = ("eu-west-1", "us-east-1")
PARAMETER = "/gateway-stack/acme/dev/credentials/partner-globex"
SECRET = "a-partner-chosen-secret-0123456789"
sys.path.insert(0, str(ROOT / "lambdas" / "authorizer"))


@pytest.fixture(scope="module")
def moto_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def aws(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    import boto3

    for name, value in {
        "AWS_ENDPOINT_URL": moto_server,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    for region in REGIONS:
        client = boto3.client("ssm", region_name=region)
        names = [p["Name"] for p in client.describe_parameters().get("Parameters", [])]
        if names:
            client.delete_parameters(Names=names)
    return boto3.client("ssm", region_name="eu-west-1")


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *args: str,
    stdin: str | None = None,
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
    code = main(["credentials", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def record(ssm: Any, region: str = "eu-west-1") -> dict[str, Any]:
    import boto3

    client = ssm if region == "eu-west-1" else boto3.client("ssm", region_name=region)
    parameter = client.get_parameter(Name=PARAMETER, WithDecryption=True)["Parameter"]
    assert parameter["Type"] == "SecureString"
    return json.loads(parameter["Value"])


def verifies(ssm: Any, secret: str, region: str = "eu-west-1") -> list[bool]:
    """Which stored hashes ``secret`` matches in ``region``, read by the authorizer's code."""
    import boto3
    from token_authorizer.basic_records import parse_record

    client = ssm if region == "eu-west-1" else boto3.client("ssm", region_name=region)
    value = client.get_parameter(Name=PARAMETER, WithDecryption=True)["Parameter"]["Value"]
    return [stored.matches(secret.encode()) for stored in parse_record(value).hashes]


def in_regions(ssm: Any, secret: str) -> dict[str, list[bool]]:
    """:func:`verifies` in each region of config/multi-region.yaml."""
    return {region: verifies(ssm, secret, region) for region in REGIONS}


def stored_in(region: str) -> list[str]:
    import boto3

    client = boto3.client("ssm", region_name=region)
    return [p["Name"] for p in client.describe_parameters().get("Parameters", [])]


def test_set_generates_a_secret_and_prints_it_once(
    aws: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(capsys, monkeypatch, "set", GATEWAY, "partner-globex")
    assert code == 0
    (secret,) = out.split()  # the secret alone on stdout
    assert len(secret) == 43
    assert secret not in err
    assert f"{PARAMETER} (eu-west-1): set" in err
    stored = record(aws)
    assert stored["version"] == 1
    (entry,) = stored["hashes"]
    assert (entry["alg"], entry["n"], entry["r"], entry["p"]) == ("scrypt", 2**14, 8, 1)
    assert secret not in json.dumps(stored)
    assert verifies(aws, secret) == [True]
    assert verifies(aws, secret + "x") == [False]


def test_set_reads_the_secret_from_stdin_and_prints_nothing(
    aws: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("set", GATEWAY, "partner-globex", "--secret-stdin")
    code, out, err = run(capsys, monkeypatch, *args, stdin=SECRET + "\n")
    assert (code, out) == (0, "")
    assert SECRET not in err
    assert verifies(aws, SECRET) == [True]


def test_rotate_keeps_the_previous_secret_until_revoke_previous(
    aws: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, monkeypatch, "set", GATEWAY, "partner-globex", "--secret-stdin", stdin=SECRET)
    code, out, err = run(capsys, monkeypatch, "rotate", GATEWAY, "partner-globex")
    assert code == 0
    (new,) = out.split()
    assert "until `revoke --previous`" in err
    assert verifies(aws, new) == [True, False]  # the current hash first
    assert verifies(aws, SECRET) == [False, True]
    code, _, err = run(capsys, monkeypatch, "rotate", GATEWAY, "partner-globex")
    assert "the secret before the current one is no longer valid" in err
    assert verifies(aws, SECRET) == [False, False]  # two hashes at most
    code, _, err = run(capsys, monkeypatch, "revoke", GATEWAY, "partner-globex", "--previous")
    assert code == 0
    assert verifies(aws, new) == [False]
    code, _, err = run(capsys, monkeypatch, "revoke", GATEWAY, "partner-globex", "--previous")
    assert code == 1
    assert "no previous secret" in err
    code, _, err = run(capsys, monkeypatch, "revoke", GATEWAY, "partner-globex")
    assert code == 0
    assert "every secret is revoked" in err
    with pytest.raises(aws.exceptions.ParameterNotFound):
        aws.get_parameter(Name=PARAMETER)


def test_refusals_change_nothing(
    aws: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(capsys, monkeypatch, "set", GATEWAY, "partner-initech")
    assert (code, out) == (1, "")
    assert "config/example.yaml: clients: no client 'partner-initech'" in err
    assert "mobile-app, partner-globex" in err
    code, _, err = run(capsys, monkeypatch, "rotate", GATEWAY, "partner-globex")
    assert code == 1
    assert "no Basic credentials to rotate" in err
    code, _, err = run(capsys, monkeypatch, "revoke", GATEWAY, "partner-globex")
    assert (code, "has no credentials" in err) == (1, True)
    for short in ("short", "with a space in it 0123456789", "ünïcödé-secret-0123456789abc"):
        args = ("set", GATEWAY, "partner-globex", "--secret-stdin")
        code, _, err = run(capsys, monkeypatch, *args, stdin=short)
        assert code == 1
        assert "standard input: the secret must be 24 to 256 printable ASCII" in err
        assert short not in err
    assert aws.describe_parameters()["Parameters"] == []
    run(capsys, monkeypatch, "set", GATEWAY, "partner-globex", "--secret-stdin", stdin=SECRET)
    code, out, err = run(capsys, monkeypatch, "set", GATEWAY, "partner-globex")
    assert (code, out) == (1, "")
    assert "already has Basic credentials; `credentials rotate`" in err
    assert verifies(aws, SECRET) == [True]
    code, out, _ = run(capsys, monkeypatch, "set", GATEWAY, "partner-globex", "--replace")
    assert code == 0
    assert verifies(aws, out.strip()) == [True]
    assert verifies(aws, SECRET) == [False]


def test_a_gateway_file_that_does_not_load_is_refused(
    aws: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = str(tmp_path / "nowhere.yaml")
    code, out, err = run(capsys, monkeypatch, "set", missing, "partner-globex")
    assert (code, out) == (1, "")
    assert "nowhere.yaml" in err
    assert "Traceback" not in err
    assert err.rstrip().endswith("nothing was changed.")
    assert aws.describe_parameters()["Parameters"] == []


def test_a_damaged_record_is_named(
    aws: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    aws.put_parameter(Name=PARAMETER, Value="plain text", Type="SecureString")
    code, _, err = run(capsys, monkeypatch, "rotate", GATEWAY, "partner-globex")
    assert code == 1
    assert f"{PARAMETER}: not a credentials record" in err


def test_a_single_region_gateway_refuses_another_region(
    aws: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The authorizer reads its own region's parameter: a record elsewhere would be unused."""
    args = ("set", GATEWAY, "partner-globex", "--region", "us-east-1", "--secret-stdin")
    code, out, err = run(capsys, monkeypatch, *args, stdin=SECRET)
    assert (code, out) == (2, "")
    assert "--region: us-east-1 is not a region of " in err
    assert "(its regions: eu-west-1)" in err
    assert [stored_in(region) for region in REGIONS] == [[], []]
    args = ("set", GATEWAY, "partner-globex", "--region", "eu-west-1", "--secret-stdin")
    code, _, err = run(capsys, monkeypatch, *args, stdin=SECRET)
    assert code == 0
    assert verifies(aws, SECRET) == [True]


def test_every_region_of_a_gateway_gets_the_same_secret(
    aws: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(capsys, monkeypatch, "set", MULTI_REGION, "partner-globex")
    assert code == 0
    (secret,) = out.split()
    assert f"{PARAMETER} (eu-west-1): set" in err
    assert f"{PARAMETER} (us-east-1): set" in err
    assert in_regions(aws, secret) == {"eu-west-1": [True], "us-east-1": [True]}
    salts = {region: record(aws, region)["hashes"][0]["salt"] for region in REGIONS}
    assert salts["eu-west-1"] != salts["us-east-1"]  # each region's record its own salt

    code, out, err = run(capsys, monkeypatch, "rotate", MULTI_REGION, "partner-globex")
    assert code == 0
    (new,) = out.split()
    assert err.count("until `revoke --previous`") == 2
    assert in_regions(aws, new) == {"eu-west-1": [True, False], "us-east-1": [True, False]}
    assert in_regions(aws, secret) == {"eu-west-1": [False, True], "us-east-1": [False, True]}
    code, _, _ = run(capsys, monkeypatch, "revoke", MULTI_REGION, "partner-globex", "--previous")
    assert code == 0
    assert in_regions(aws, new) == {"eu-west-1": [True], "us-east-1": [True]}
    code, _, err = run(capsys, monkeypatch, "revoke", MULTI_REGION, "partner-globex")
    assert code == 0
    assert err.count("every secret is revoked") == 2
    assert [stored_in(region) for region in REGIONS] == [[], []]


def test_region_option_limits_the_run_to_one_region_of_the_gateway(
    aws: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("set", MULTI_REGION, "partner-globex", "--region", "us-east-1", "--secret-stdin")
    code, _, err = run(capsys, monkeypatch, *args, stdin=SECRET)
    assert code == 0
    assert "(us-east-1)" in err
    assert "(eu-west-1)" not in err
    assert verifies(aws, SECRET, "us-east-1") == [True]
    assert stored_in("eu-west-1") == []

    args = ("set", MULTI_REGION, "partner-globex", "--region", "ap-south-1")
    code, out, err = run(capsys, monkeypatch, *args)
    assert (code, out) == (2, "")
    (line, _) = err.splitlines()  # the one error, and "nothing was changed."
    assert line.startswith("--region: ap-south-1 is not a region of ")
    assert line.endswith("multi-region.yaml (its regions: eu-west-1, us-east-1)")
    assert stored_in("ap-south-1") == []


def test_a_refusal_in_one_region_changes_no_region(
    aws: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("set", MULTI_REGION, "partner-globex", "--region", "us-east-1", "--secret-stdin")
    run(capsys, monkeypatch, *args, stdin=SECRET)
    code, out, err = run(capsys, monkeypatch, "set", MULTI_REGION, "partner-globex")
    assert (code, out) == (1, "")
    assert f"{PARAMETER} in us-east-1: client 'partner-globex' already has Basic" in err
    assert "eu-west-1" not in err
    assert stored_in("eu-west-1") == []
    code, out, err = run(capsys, monkeypatch, "rotate", MULTI_REGION, "partner-globex")
    assert (code, out) == (1, "")
    assert f"{PARAMETER} in eu-west-1: client 'partner-globex' has no Basic credentials" in err
    assert verifies(aws, SECRET, "us-east-1") == [True]  # us-east-1 not rotated
    code, _, err = run(capsys, monkeypatch, "revoke", MULTI_REGION, "partner-globex")
    assert code == 1
    assert verifies(aws, SECRET, "us-east-1") == [True]  # nor revoked
    code, out, _ = run(capsys, monkeypatch, "set", MULTI_REGION, "partner-globex", "--replace")
    assert code == 0
    assert in_regions(aws, out.strip()) == {"eu-west-1": [True], "us-east-1": [True]}


def test_the_module_command_honours_aws_endpoint_url(aws: Any, moto_server: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gateway_stack", "credentials", "set", GATEWAY, "mobile-app"],
        cwd=ROOT,
        env={**os.environ, "AWS_ENDPOINT_URL": moto_server},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    secret = result.stdout.strip()
    value = aws.get_parameter(
        Name="/gateway-stack/acme/dev/credentials/mobile-app", WithDecryption=True
    )["Parameter"]["Value"]
    from token_authorizer.basic_records import parse_record

    assert parse_record(value).hashes[0].matches(secret.encode())


def test_aws_stopping_part_way_says_which_regions_changed(
    aws: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """us-east-1 refuses the write (as an IAM denial would): eu-west-1 keeps the new record, and
    the generated secret is still shown, since it is valid there."""
    from botocore.exceptions import ClientError

    from gateway_stack.tools.credentials import CredentialsCommand

    real = CredentialsCommand._write

    def write(self: CredentialsCommand, ssm: Any, target: Any, hashes: Any) -> None:
        if target.region == "us-east-1":
            error = {"Error": {"Code": "AccessDeniedException", "Message": "denied"}}
            raise ClientError(error, "PutParameter")  # type: ignore[arg-type]
        real(self, ssm, target, hashes)

    monkeypatch.setattr(CredentialsCommand, "_write", write)
    code, out, err = run(capsys, monkeypatch, "set", MULTI_REGION, "partner-globex")
    assert code == 1
    (secret,) = out.split()
    assert verifies(aws, secret) == [True]
    assert stored_in("us-east-1") == []
    assert "changed in eu-west-1 only; the regions disagree until `credentials set`" in err
    assert "--region for each of us-east-1 and the same secret (--secret-stdin)" in err
    assert "nothing was changed" not in err

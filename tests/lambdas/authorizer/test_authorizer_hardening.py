"""Findings of the security review, each pinned by a test (see docs/authorizer.md)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.lambdas.authorizer.authorizer_support import (
    CODE_ROOT,
    AuthorizerHarness,
    assert_unauthorized,
    default_claims,
)
from tests.lambdas.authorizer.test_authorizer_handler import logged_harness

sys.path.insert(0, str(CODE_ROOT))
from token_authorizer.policy import glob_matches


def regex_matches(glob: str, text: str) -> bool:
    """The reference semantics: ``*`` any run, ``?`` one character (a backtracking regex)."""
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in glob)
    return re.fullmatch("".join(parts), text, re.DOTALL) is not None


@settings(max_examples=400, deadline=None)
@given(
    glob=st.text(alphabet="ab/*?", max_size=12),
    text=st.text(alphabet="ab/", max_size=16),
)
def test_glob_matching_agrees_with_the_reference_semantics(glob: str, text: str) -> None:
    assert glob_matches(glob, text) is regex_matches(glob, text)


def test_a_long_request_path_cannot_stall_the_matcher() -> None:
    """A 1600-character path against a five-wildcard pattern: a backtracking matcher took more
    than 40 s here; the linear one answers at once (run in a subprocess with a hang guard)."""
    pattern = "arn:aws:execute-api:eu-west-1:123456789012:abcdefghij/prod/GET/o/*/r/*/i/*/v/*/w/*/x"
    path = "arn:aws:execute-api:eu-west-1:123456789012:abcdefghij/prod/GET/o" + "/r/i/v/w" * 190
    script = (
        f"import sys; sys.path.insert(0, {str(CODE_ROOT)!r})\n"
        "from token_authorizer.policy import glob_matches\n"
        f"print(glob_matches({pattern!r}, {path + '/y'!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=20, check=True
    )
    assert result.stdout.strip() == "False"


def test_subjects_with_unicode_controls_or_separators_are_refused(
    authorizer: AuthorizerHarness,
) -> None:
    for subject in ("user\u2028X-Injected: 1", "user\x85x", "user\u202egnp.exe", "a\u200bb"):
        token = authorizer.tokens.rsa(default_claims(sub=subject))
        assert_unauthorized(lambda token=token: authorizer.call(token))


def test_an_absurd_expiry_is_a_bad_time_claim_not_an_internal_error(
    make: Any, api_keys: Any, capsys: Any
) -> None:
    harness = logged_harness(make, api_keys)
    for exp in (10**400, 10**15, -(10**400)):
        token = harness.tokens.rsa(default_claims(exp=exp))
        assert_unauthorized(lambda token=token: harness.call(token))
    lines = capsys.readouterr().out.splitlines()
    decisions = [json.loads(line) for line in lines if '"decision"' in line]
    # PyJWT itself finds a hugely negative exp expired; either way a 401, never internal_error
    assert [d["reason"] for d in decisions] == ["bad_time_claim", "bad_time_claim", "token_expired"]

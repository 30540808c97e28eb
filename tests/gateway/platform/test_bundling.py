"""The bundle's fingerprint (its asset hash) follows what goes into the bundle, nothing else."""

from __future__ import annotations

from pathlib import Path

from gateway_stack.gateway.platform.bundling import PythonBundle


def bundle(code: Path, platform: str = "manylinux2014_aarch64") -> PythonBundle:
    return PythonBundle(code, code / "requirements.txt", "3.14", platform)


def test_the_fingerprint_follows_the_code_the_requirements_and_the_target(tmp_path: Path) -> None:
    (tmp_path / "handler.py").write_text("def handler(event, context): ...\n")
    (tmp_path / "requirements.txt").write_text("PyJWT==2.15.1\n")
    first = bundle(tmp_path).fingerprint
    assert bundle(tmp_path).fingerprint == first  # stable
    assert bundle(tmp_path, "manylinux2014_x86_64").fingerprint != first
    (tmp_path / "requirements.txt").write_text("PyJWT==2.15.2\n")
    second = bundle(tmp_path).fingerprint
    assert second != first
    (tmp_path / "handler.py").write_text("def handler(event, context): return 1\n")
    assert bundle(tmp_path).fingerprint != second


def test_what_is_not_bundled_does_not_change_the_fingerprint(tmp_path: Path) -> None:
    (tmp_path / "handler.py").write_text("def handler(event, context): ...\n")
    (tmp_path / "requirements.txt").write_text("PyJWT==2.15.1\n")
    before = bundle(tmp_path).fingerprint
    for junk in ("__pycache__/handler.cpython-314.pyc", ".pytest_cache/v/cache", "tests/t.py"):
        (tmp_path / junk).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / junk).write_text("x")
    (tmp_path / "stale.pyc").write_bytes(b"\0")
    assert bundle(tmp_path).fingerprint == before

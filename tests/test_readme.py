"""The README's service-team guide is the example app the tests synthesize, word for word."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_service_team_snippet_is_the_example_app() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## For service teams") :]
    snippet = re.search(r"^```python\n(.*?)^```$", section, re.M | re.S)
    assert snippet is not None
    app = (ROOT / "examples" / "service_team_app" / "app.py").read_text()
    # The whole app but its module docstring: it runs as written.
    assert snippet.group(1) == app[app.index("import sys") :]

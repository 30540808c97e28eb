"""CORS settings of a service API: the gateway file's ``cors`` section and ``ServiceApi``'s
``cors`` are this one model. What the gateway writes with it (preflight answers, the origin on
its own error responses) is in :mod:`gateway_stack.openapi.cors`.
"""

from __future__ import annotations

from pydantic import Field

from gateway_stack.models.fields import Section, worded
from gateway_stack.models.numbers import Whole

#: An allowed origin: ``*``, or scheme, host and optional port (no path).
ORIGIN_PATTERN = r"^(\*|https?://[A-Za-z0-9.-]+(:\d{1,5})?)$"
#: A header name.
HEADER_PATTERN = r"^[A-Za-z0-9-]+$"
#: Browsers may cache a preflight answer for 0 to this many seconds.
MAX_AGE_SECONDS = 86400

Origin = worded(
    ORIGIN_PATTERN,
    "'*' or an origin such as https://app.example.com (scheme, host, optional port; no path)",
)
HeaderName = worded(HEADER_PATTERN, "a header name: letters, digits and '-'")


class Cors(Section):
    """Cross-origin calls from browsers: every path answers CORS preflight requests, and the
    gateway's own responses carry the allowed origin.

    The values are written into static response headers, so each is checked against what a
    header may hold: an origin with a path or a quote, a header name with other characters, no
    header, or a cache time outside 0-86400 s is refused with a ``ValueError`` (pydantic's
    ``ValidationError``) naming the field and the rule.
    """

    allow_origin: Origin = Field(
        description="The origin browsers may call from (Access-Control-Allow-Origin): one "
        "origin, or '*'.",
    )
    allow_headers: tuple[HeaderName, ...] = Field(
        ("Authorization", "Content-Type"),
        min_length=1,
        description="Request headers browsers may send. Default: Authorization, Content-Type.",
    )
    max_age_seconds: Whole = Field(
        600,
        ge=0,
        le=MAX_AGE_SECONDS,
        description="How long browsers may cache a preflight answer, 0-86400 s. Default: 600.",
    )

    def origin_headers(self) -> dict[str, str]:
        """The headers every cross-origin answer carries: the origin, and ``Vary: Origin`` when
        the answer depends on it (a single origin)."""
        headers = {"Access-Control-Allow-Origin": self.allow_origin}
        if self.allow_origin != "*":
            headers["Vary"] = "Origin"
        return headers

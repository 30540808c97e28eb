"""One JSON object per log line (CloudWatch Logs Insights parses them); never secrets.

The pre-signed ResponseURL is a credential for the response object: it is never logged.
"""

from __future__ import annotations

import json
import logging
from typing import Any

logger = logging.getLogger("plan_membership")
logger.setLevel(logging.INFO)


def log(action: str, level: int = logging.INFO, **fields: Any) -> None:
    logger.log(level, json.dumps({"action": action, **fields}, default=str, sort_keys=True))

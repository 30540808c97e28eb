"""The API Gateway and CloudFormation quotas the gateway designs around, in one place.

Each figure is AWS's published quota (the API Gateway developer guide's "Amazon API Gateway
quotas", the CloudFormation user guide's "CloudFormation quotas"); where the gateway keeps
headroom below a quota, the budget is named as such. The gateway-file checks, the plan and the
synth-time guards all read these.
"""

from __future__ import annotations

#: Resources per REST API (raisable on request).
MAX_API_RESOURCES = 300
#: REST API VPC links per account and region.
MAX_VPC_LINKS = 20
#: API mappings per custom domain name (not raisable).
MAX_API_MAPPINGS = 200
#: API keys per account and region (not raisable).
MAX_API_KEYS = 10_000
#: Usage plans per account and region.
MAX_USAGE_PLANS = 300
#: CloudFormation allows 500 resources and a 1 MB template per stack; the guards keep headroom.
STACK_RESOURCE_BUDGET = 450
STACK_TEMPLATE_BUDGET_BYTES = 800 * 1024

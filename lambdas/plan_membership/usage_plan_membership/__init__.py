"""Usage-plan membership of a service's REST API stage: a CloudFormation custom resource.

The platform stack hosts the function; each service stack declares ``Custom::UsagePlanMembership``
with the function as its ServiceToken. boto3 (the runtime provides it) and crhelper, which
answers CloudFormation (``resource.py``; bundled with the function, see its requirements.txt).
"""

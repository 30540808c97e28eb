"""Usage-plan membership of a service's REST API stage: a CloudFormation custom resource.

The platform stack hosts the function; each service stack declares ``Custom::UsagePlanMembership``
with the function as its ServiceToken. Standard library and boto3 only (the runtime provides it).
"""

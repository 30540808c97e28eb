"""Resources whose loss hurts, and the warnings ``make review`` gives when one would go.

A protected resource warns when the change would replace it (``WILL_REPLACE``,
``MAY_REPLACE``), when its logical id changes (CloudFormation then creates a new one and deletes
or orphans the old: a replacement under another name), or when it would be deleted. Replacements
are what ``--fail-on-replace`` fails on; a deletion is a warning only, since removing a client, a
domain alias or a service deletes its resources on purpose.

Not protected, by decision: ``AWS::ApiGateway::Deployment`` (its logical id carries the body's
hash, so every route change replaces it: that is how the stage is redeployed);
``AWS::ApiGateway::UsagePlanKey`` (moving a client to another tier replaces its link, by design:
the key itself is kept); the usage-plan membership custom resource (it re-joins idempotently);
SSM parameters, IAM roles and Lambda functions (recreated without losing anything a caller sees).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway_stack.assembly import CloudAssembly
from gateway_stack.tools.review.cfn_diff import ResourceChange, StackDiff

#: Resource type -> what a replacement costs (shown in each replacement's warning).
PROTECTED: dict[str, str] = {
    "AWS::ApiGateway::DomainName": "a new domain name gets a new regional endpoint: DNS and "
    "every API mapping must move to it, and the old name answers nothing meanwhile",
    "AWS::ApiGatewayV2::DomainName": "a new domain name gets a new regional endpoint: DNS and "
    "every API mapping must move to it, and the old name answers nothing meanwhile",
    "AWS::CertificateManager::Certificate": "a new certificate must be validated again before "
    "the custom domain can use it",
    "AWS::Route53::HostedZone": "a new hosted zone has new name servers: the parent zone's "
    "delegation breaks until it is updated by hand",
    "AWS::Route53::RecordSet": "the public name does not resolve while its record is recreated",
    "AWS::ApiGateway::RestApi": "a new API gets a new id: its mappings, permission map and "
    "usage-plan membership are recreated, and its execute-api URL changes",
    "AWS::ApiGateway::Stage": "the stage answers nothing while it is recreated, and leaves the "
    "usage plans until its membership follows",
    "AWS::ApiGatewayV2::ApiMapping": "the base path answers 404 while its mapping is recreated",
    "AWS::ApiGateway::BasePathMapping": "the base path answers 404 while its mapping is recreated",
    "AWS::ApiGateway::ApiKey": "API Gateway generates a new key value: the client's traffic is "
    "metered under another key, and the old key's usage is lost",
    "AWS::ApiGateway::UsagePlan": "a new plan has a new id: every service stage must re-join "
    "it and its clients' quota usage starts again",
    "AWS::ApiGateway::VpcLink": "service stages reach their backend through the old link until "
    "each is redeployed; a new VPC link takes minutes to become available",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "a new load balancer has a new DNS name and "
    "no registered targets",
    "AWS::Logs::LogGroup": "the logs written so far stay in the old group (retained) or are "
    "deleted with it",
    "AWS::KMS::Key": "data encrypted under the key cannot be read once the key is deleted",
    "AWS::SNS::Topic": "every subscription (confirmed e-mail addresses included) is lost",
    "AWS::WAFv2::WebACL": "the stages are unprotected until a new web ACL is associated",
}
_DOMAIN_NAME_DELETED = (
    "every request to the name fails: the APIs mapped on it are no longer reachable under it"
)
_MAPPING_DELETED = "the base path answers 404 on that domain name"
#: Resource type -> what a deletion costs (shown in each deletion's warning).
DELETED: dict[str, str] = {
    "AWS::ApiGateway::DomainName": _DOMAIN_NAME_DELETED,
    "AWS::ApiGatewayV2::DomainName": _DOMAIN_NAME_DELETED,
    "AWS::CertificateManager::Certificate": "a custom domain still using it can no longer "
    "serve TLS, and a new certificate must be validated again before one can",
    "AWS::Route53::HostedZone": "its records are gone, and the parent zone delegates to name "
    "servers that no longer answer for it",
    "AWS::Route53::RecordSet": "the public name no longer resolves: its callers get DNS errors",
    "AWS::ApiGateway::RestApi": "every route of the API stops answering, on every domain name "
    "and its execute-api URL",
    "AWS::ApiGateway::Stage": "the stage stops answering every route, and leaves the usage plans",
    "AWS::ApiGatewayV2::ApiMapping": _MAPPING_DELETED,
    "AWS::ApiGateway::BasePathMapping": _MAPPING_DELETED,
    "AWS::ApiGateway::ApiKey": "the key value is gone for good: the client's requests are "
    "refused until it is given a new key",
    "AWS::ApiGateway::UsagePlan": "every stage leaves the plan, and its clients' keys lose "
    "their limits and their quota usage",
    "AWS::ApiGateway::VpcLink": "stages still using it can no longer reach their backend",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "the services behind it can no longer be "
    "reached through the gateway",
    "AWS::Logs::LogGroup": "the logs written so far are deleted with it",
    "AWS::KMS::Key": "what it encrypted (logs included) cannot be read once the key is deleted",
    "AWS::SNS::Topic": "alarms notify no one: every subscription is lost",
    "AWS::WAFv2::WebACL": "the stages it protects are unprotected",
}
#: Impacts that replace the resource in place.
REPLACING = ("WILL_REPLACE", "MAY_REPLACE")
#: Impacts that remove the resource from its template.
REMOVING = ("WILL_DESTROY", "WILL_ORPHAN")
#: Properties that name a resource: a removed and an added resource with the same value are
#: one resource whose logical id changed.
NAME_PROPERTIES = (
    "Name",
    "DomainName",
    "UsagePlanName",
    "LogGroupName",
    "TopicName",
    "StageName",
    "ApiMappingKey",
    "BasePath",
    "HostedZoneName",
)


@dataclass(frozen=True)
class ProtectedChange:
    """A protected resource that would be replaced or deleted.

    Attributes:
        stack: the stack.
        type: the resource's type.
        logical_id: its logical id (the old one, for a logical-id change).
        path: its construct path, if known.
        action: what happens, in words.
        reason: what that costs (:data:`PROTECTED` for a replacement, :data:`DELETED` for a
            deletion).
        replacement: it is a replacement (what ``--fail-on-replace`` fails on).
        detail: why it happens, e.g. the property that forces the replacement. Default: none.
        region: the stack's region (:attr:`StackDiff.region`). Default: empty (unknown).
    """

    stack: str
    type: str
    logical_id: str
    path: str | None
    action: str
    reason: str
    replacement: bool
    detail: str = ""
    region: str = ""


def protected_changes(
    diffs: list[StackDiff], base: CloudAssembly, head: CloudAssembly
) -> list[ProtectedChange]:
    """Every protected resource that the change replaces or deletes."""
    found: list[ProtectedChange] = []
    for diff in diffs:
        protected = [r for r in diff.resources if r.type in PROTECTED]
        if diff.status == "removed":
            found += [
                _warning(diff, change, "deleted when the stack is destroyed", replacement=False)
                for change in protected
                if change.impact == "WILL_DESTROY"
            ]
            continue
        if diff.status != "changed":
            continue
        for change in protected:
            if change.impact in REPLACING:
                forced = [p.name for p in change.properties if p.impact in REPLACING]
                action = "replaced" if change.impact == "WILL_REPLACE" else "may be replaced"
                detail = f"{', '.join(forced)} changes" if forced else ""
                found.append(_warning(diff, change, action, replacement=True, detail=detail))
        found += _moved_or_deleted(diff, protected, base, head)
    return found


def _moved_or_deleted(
    diff: StackDiff, protected: list[ResourceChange], base: CloudAssembly, head: CloudAssembly
) -> list[ProtectedChange]:
    """Removed protected resources: paired with an added one of the same type (the logical id
    changed: a replacement), else deleted (a warning) or orphaned (retained: no warning)."""
    before, after = base.stack(diff.stack), head.stack(diff.stack)
    added = [c for c in protected if c.impact == "WILL_CREATE"]
    found = []
    for change in (c for c in protected if c.impact in REMOVING):
        old = before.resources.get(change.logical_id, {}) if before else {}
        candidates = [c for c in added if c.type == change.type]
        new = _same_resource(old, candidates, after.resources if after else {})
        if new is not None:
            added.remove(new)
            found.append(
                _warning(
                    diff,
                    change,
                    "replaced under a new logical id",
                    replacement=True,
                    detail=f"{change.logical_id} becomes {new.logical_id}",
                )
            )
        elif change.impact == "WILL_DESTROY":
            found.append(_warning(diff, change, "deleted", replacement=False))
    return found


def _same_resource(
    old: dict[str, Any], candidates: list[ResourceChange], resources: dict[str, Any]
) -> ResourceChange | None:
    """The added resource that is ``old`` under a new logical id: the same name, else the same
    properties, else - when neither has a name - the only one of its type."""
    old_properties = old.get("Properties", {})
    old_name = _name(old_properties)
    unnamed = []
    for candidate in candidates:
        properties = resources.get(candidate.logical_id, {}).get("Properties", {})
        name = _name(properties)
        if (old_name is not None and name == old_name) or properties == old_properties:
            return candidate
        if name is None:
            unnamed.append(candidate)
    if old_name is None and len(unnamed) == 1 and len(candidates) == 1:
        return unnamed[0]
    return None


def _name(properties: dict[str, Any]) -> tuple[Any, ...] | None:
    values = tuple(properties.get(key) for key in NAME_PROPERTIES)
    return values if any(v is not None for v in values) else None


def _warning(
    diff: StackDiff, change: ResourceChange, action: str, *, replacement: bool, detail: str = ""
) -> ProtectedChange:
    return ProtectedChange(
        stack=diff.stack,
        type=change.type,
        logical_id=change.logical_id,
        path=change.path,
        action=action,
        reason=(PROTECTED if replacement else DELETED)[change.type],
        replacement=replacement,
        detail=detail,
        region=diff.region,
    )

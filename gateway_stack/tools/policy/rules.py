"""The CloudFormation Guard rules every service stack must pass before it deploys.

A check inside a service team's own CDK app is a courtesy, not a security boundary: the team
controls that app. The platform enforces these rules instead, on the synthesized template, in
its own pipeline (``python -m gateway_stack policy``), with CloudFormation Guard. They are
generated from the gateway file's allowlist and names, so they say exactly what this gateway
allows:

* API mappings only on the gateway's own domain names, only with allowed base paths;
* every integration is a MOCK, or HTTP_PROXY through the VPC link and host that the stage
  variables carry (so traffic goes only where the platform published);
* stage variables come from the platform's SSM parameters (or the stack's own VPC link), and a
  service stack takes no other parameters;
* deploy-time SSM parameters are only the platform's published values (and CDK's bootstrap
  version);
* a stack's own VPC links target only allowlisted load balancers;
* with WAF on, every stage is associated with a web ACL (one association per stage), and only
  with the platform's: the ARN comes from the deploy-time parameter of the platform's
  ``waf/web-acl-arn`` SSM parameter;
* none of the platform's resources (domain names, the account's CloudWatch role, usage plans,
  API keys, DNS records, web ACLs) appear in a service stack, nor per-method API resources.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from gateway_stack.models.allowlist import Allowlist
from gateway_stack.naming import GatewayNames

#: Resource types a service stack may not hold: the platform's, and per-method API resources
#: (routes live in the OpenAPI body, where the integration rules can see them).
PLATFORM_ONLY = (
    "AWS::ApiGateway::Method",
    "AWS::ApiGateway::Resource",
    "AWS::ApiGateway::Account",
    "AWS::ApiGateway::DomainName",
    "AWS::ApiGatewayV2::DomainName",
    "AWS::ApiGateway::BasePathMapping",
    "AWS::ApiGateway::UsagePlan",
    "AWS::ApiGateway::UsagePlanKey",
    "AWS::ApiGateway::ApiKey",
    "AWS::Route53::RecordSet",
    "AWS::Route53::HostedZone",
    "AWS::CertificateManager::Certificate",
    "AWS::WAFv2::WebACL",
)


def service_stack_rules(
    names: GatewayNames,
    domain_names: Sequence[str],
    allowlist: Allowlist | None,
    membership_arn: str,
    *,
    web_acl: bool = True,
    region: str | None = None,
) -> str:
    """The Guard rules (text) for the service stacks of one gateway environment.

    ``web_acl``: the gateway puts every stage behind its web ACL (the gateway file's
    ``waf.enabled``). Default: yes. ``region``: the region these rules are for, named in the
    header (a multi-region gateway has a rules file per region, since ``membership_arn`` and
    ``domain_names`` are that region's). Default: none (a single-region gateway).
    """
    allowlist = allowlist or Allowlist()
    base_paths = allowlist.base_paths
    arns = allowlist.backends.arns if allowlist.backends else ()
    published = [
        f"{names.parameter_path}/{kind}/"
        for kind in ("load-balancers", "domain", "plans", "waf", "logs")
    ]
    parameters = _regex_alternatives([*published, "/cdk-bootstrap/"], prefix=True)
    # The logical id CDK gives an SSM name's deploy-time parameter (value_for_string_parameter).
    web_acl_id = "SsmParameterValue" + re.sub("[^A-Za-z0-9]", "", names.web_acl_parameter)
    sections = [
        f"# CloudFormation Guard rules for the service stacks of gateway {names.gateway} "
        f"({names.environment})" + (f" in {region}." if region else "."),
        "# Generated from the gateway file by `python -m gateway_stack policy`: do not edit.",
        "",
        "let mappings = Resources.*[ Type == 'AWS::ApiGatewayV2::ApiMapping' ]",
        "let literal_domains = %mappings[ Properties.DomainName is_string ]",
        "let rest_apis = Resources.*[ Type == 'AWS::ApiGateway::RestApi' ]",
        "let integrations = %rest_apis.Properties.Body.paths.*.*"
        "[ 'x-amazon-apigateway-integration' exists ].'x-amazon-apigateway-integration'",
        "let forwarded = %integrations[ type != 'mock' ]",
        "let stages = Resources.*[ Type == 'AWS::ApiGateway::Stage' ]",
        "let vpc_links = Resources.*[ Type == 'AWS::ApiGateway::VpcLink' ]",
        "let ssm_parameters = Parameters.*[ Type == 'AWS::SSM::Parameter::Value<String>' ]",
        "let memberships = Resources.*[ Type == 'Custom::UsagePlanMembership' ]",
        "let web_acl_associations = Resources.*[ Type == 'AWS::WAFv2::WebACLAssociation' ]",
        f"let web_acl_parameters = Parameters[ keys == /^{web_acl_id}/ ]",
        "let stage_count = count(%stages)",
        "let web_acl_association_count = count(%web_acl_associations)",
        "",
        "rule mapped_only_on_the_gateways_domain when %literal_domains !empty {",
        f"    %literal_domains.Properties.DomainName IN {_list(domain_names)}",
        "        <<an API mapping must be on one of the gateway's own domain names>>",
        "}",
        "",
    ]
    if base_paths is not None:
        sections += [
            "rule base_paths_allowed when %mappings !empty {",
            f"    %mappings.Properties.ApiMappingKey == /{_base_path_regex(base_paths)}/",
            "        <<the base path is not in the platform's allowlist (allowlist.base_paths)>>",
            "}",
            "",
        ]
    sections += [
        "rule bodies_are_inline when %rest_apis !empty {",
        "    %rest_apis.Properties.Body exists",
        "        <<the OpenAPI body must be in the template (policy inlines S3 bodies)>>",
        "}",
        "",
        "rule integrations_reach_only_the_platforms_vpc_link when %forwarded !empty {",
        "    %forwarded.type == 'http_proxy'",
        "        <<an integration that is not a mock must be http_proxy>>",
        "    %forwarded.connectionType == 'VPC_LINK' <<integrations go through a VPC link>>",
        "    %forwarded.connectionId == '${stageVariables.vpcLinkId}'",
        "        <<the VPC link must come from the stage variable vpcLinkId>>",
        "    %forwarded.uri == "
        r"/^http:\x2F\x2F[$][{]stageVariables[.]backendHost[}]:[0-9]+(\x2F|$)/",
        "        <<the backend host must come from the stage variable backendHost>>",
        "}",
        "",
        "rule backend_comes_from_the_platform when %stages !empty {",
        "    %stages.Properties.Variables.vpcLinkId.Ref exists",
        "        <<vpcLinkId must reference the platform's SSM parameter or the stack's VPC link>>",
        "    %stages.Properties.Variables.backendHost.Ref exists",
        "        <<backendHost must reference the platform's SSM parameter, never a literal host>>",
        "}",
        "",
        "rule parameters_are_the_platforms_ssm_values {",
        "    Parameters.*[ Type != 'AWS::SSM::Parameter::Value<String>' ] empty",
        "        <<a service stack takes no parameters but the platform's SSM values (a Ref in a",
        "          stage variable or mapping then always reads what the platform published)>>",
        "}",
        "",
        "rule ssm_parameters_are_the_platforms when %ssm_parameters !empty {",
        f"    %ssm_parameters.Default == /{parameters}/",
        "        <<deploy-time SSM parameters may only be the platform's published values>>",
        "}",
        "",
        "rule vpc_links_target_allowed_load_balancers when %vpc_links !empty {",
    ]
    if arns:
        sections.append(f"    %vpc_links.Properties.TargetArns[*] == /{_glob_regex(arns)}/")
    else:
        sections.append("    %vpc_links empty")
    sections += [
        "        <<a service stack's own VPC link may only target allowlisted load balancers>>",
        "}",
        "",
        "rule web_acl_is_the_platforms when %web_acl_associations !empty {",
        f"    %web_acl_associations.Properties.WebACLArn.Ref == /^{web_acl_id}/",
        "        <<a stage is associated only with the platform's web ACL: its ARN must come",
        f"          from the SSM parameter {names.web_acl_parameter}>>",
        f"    %web_acl_parameters.Default == '{names.web_acl_parameter}'",
        f"        <<the web ACL's parameter must read {names.web_acl_parameter}>>",
        "}",
        "",
    ]
    if web_acl:
        sections += [
            "rule stages_behind_the_web_acl when %stages !empty {",
            "    %web_acl_association_count == %stage_count",
            "        <<the gateway puts every stage behind its web ACL: associate each stage>>",
            "}",
            "",
        ]
    sections += [
        "rule plans_joined_only_through_the_platforms_function when %memberships !empty {",
        f"    %memberships.Properties.ServiceToken == '{membership_arn}'",
        "        <<a stage joins the usage plans only through the platform's membership function>>",
        "}",
        "",
        "rule no_platform_resources {",
        f"    Resources.*[ Type IN {_list(PLATFORM_ONLY)} ] empty",
        "        <<domain names, DNS, certificates, usage plans, API keys, web ACLs and the",
        "          account's CloudWatch role belong to the platform stack; routes to the body>>",
        "}",
        "",
    ]
    return "\n".join(sections)


def _list(values: Iterable[str]) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def _escape(text: str) -> str:
    """A regex-escaped literal with no '/' (Guard's regex literals cannot hold one)."""
    return re.escape(text).replace("/", r"\x2F")


def _regex_alternatives(literals: Sequence[str], *, prefix: bool = False) -> str:
    body = "|".join(_escape(literal) for literal in literals)
    return f"^({body})" if prefix else f"^({body})$"


def _base_path_regex(patterns: Sequence[str]) -> str:
    """Base-path patterns ('*' within a segment) as one anchored regex."""
    alternatives = []
    for pattern in patterns:
        segments = []
        for segment in pattern.split("/"):
            segments.append(
                "".join(
                    r"[^\x2F]*" if c == "*" else r"[^\x2F]" if c == "?" else _escape(c)
                    for c in segment
                )
            )
        alternatives.append(r"\x2F".join(segments))
    return "^(" + "|".join(alternatives) + ")$"


def _glob_regex(patterns: Sequence[str]) -> str:
    """Glob patterns ('*' matches anything) as one anchored regex."""
    return (
        "^("
        + "|".join("".join(".*" if c == "*" else _escape(c) for c in p) for p in patterns)
        + ")$"
    )

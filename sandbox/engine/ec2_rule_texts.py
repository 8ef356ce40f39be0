"""Security-group rule errors in EC2's words (moto 5.2.1 has the code and status right, not the text).

* The same rule twice (ec2-first-instance's ssh-group step, run again): 400
  InvalidPermission.Duplicate `the specified rule "peer: 203.0.113.10/32, TCP, from port: 22, to
  port: 22, ALLOW" already exists`. EC2 names the rule it already has, as the CLI and SDKs print
  it: "InvalidPermission.Duplicate: the specified rule \"peer: sg-xxxxxxxx, TCP, from port: 80,
  to port: 80, ALLOW\" already exists" (hashicorp/terraform#1874), "peer: 0.0.0.0/0, UDP, from
  port: 50000, to port: 60000, ALLOW" (terraform-aws-modules/terraform-aws-security-group#351),
  "peer: 0.0.0.0/0, ALL, ALLOW" for protocol -1 (several Terraform captures), "peer: 0.0.0.0/0,
  protocol: 50, ALLOW" for another protocol number (ansible/ansible-modules-core#3258), "peer:
  0.0.0.0/0, ICMP, type: ALL, code: ALL, ALLOW" for ICMP. moto said "The specified rule already
  exists". (Rules of the same request before the duplicate stay added, in moto as in what
  boto/boto3#1078 reports of EC2.)
* A CIDR that is not one (`--cidr 203.0.113.10`, the learner's address without `/32`): 400
  InvalidParameterValue `CIDR block 203.0.113.10 is malformed`. EC2's text for a --cidr value it
  cannot read: "An error occurred (InvalidParameterValue) when calling the
  RevokeSecurityGroupIngress operation: CIDR block ::/0 is malformed" (aws/aws-cli#2428), "CIDR
  block 208.157.160.147\\n/32 is malformed (Service: AmazonEC2; Status Code: 400; Error Code:
  InvalidParameterValue" (smoketurner/serverless-vpc-plugin#318). moto printed a Python dict:
  `invalid CIDR subnet specification: {'CidrIp': '203.0.113.10'}`.
"""

from __future__ import annotations

from typing import Any


def _ports(rule: Any) -> str:
    proto = str(rule.ip_protocol or "-1").lower()
    if proto == "-1":
        return "ALL"
    if proto in ("tcp", "udp"):
        return f"{proto.upper()}, from port: {rule.from_port}, to port: {rule.to_port}"
    if proto == "icmp":
        code = lambda v: "ALL" if v in (None, -1) else v  # noqa: E731
        return f"ICMP, type: {code(rule.from_port)}, code: {code(rule.to_port)}"
    return f"protocol: {proto}"


def describe(rule: Any) -> str:
    """`peer: <cidr or group>, <protocol and ports>, ALLOW`, as EC2 names a rule."""
    ip = rule.ip_range or {}
    peer = (
        ip.get("CidrIp")
        or ip.get("CidrIpv6")
        or (rule.source_group or {}).get("GroupId")
        or (rule.source_group or {}).get("GroupName")
        or rule.prefix_list_id
        or ""
    )
    return f"peer: {peer}, {_ports(rule)}, ALLOW"


def _cidr_text(cidr: Any) -> str:
    if isinstance(cidr, dict):
        return str(cidr.get("CidrIp") or cidr.get("CidrIpv6") or "")
    return str(cidr)


def install() -> None:
    from moto.ec2 import exceptions as ec2_exceptions
    from moto.ec2.exceptions import EC2ClientError, InvalidPermissionDuplicateError
    from moto.ec2.models import security_groups
    from moto.ec2.models.security_groups import SecurityGroupBackend

    if getattr(SecurityGroupBackend, "_labrunner_rule_texts", False):
        return

    class RuleDuplicate(EC2ClientError):
        def __init__(self, rule: Any) -> None:
            super().__init__(
                "InvalidPermission.Duplicate", f'the specified rule "{describe(rule)}" already exists'
            )

    class CidrMalformed(EC2ClientError):
        def __init__(self, cidr: Any) -> None:
            super().__init__("InvalidParameterValue", f"CIDR block {_cidr_text(cidr)} is malformed")

    security_groups.InvalidCIDRSubnetError = CidrMalformed  # type: ignore[misc]
    ec2_exceptions.InvalidCIDRSubnetError = CidrMalformed  # type: ignore[misc]

    def naming_duplicates(original: Any) -> Any:
        def authorize(self: Any, *args: Any, **kwargs: Any) -> Any:
            # The rules this request builds, in order: the last one is the duplicate when moto
            # refuses (mutations run one at a time under the engine's write lock).
            seen: list[Any] = []
            iterate = SecurityGroupBackend._iterate_security_rules

            def recording(*a: Any, **kw: Any) -> Any:
                for rule in iterate(self, *a, **kw):
                    seen.append(rule)
                    yield rule

            self._iterate_security_rules = recording
            try:
                return original(self, *args, **kwargs)
            except InvalidPermissionDuplicateError:
                if not seen:
                    raise
                raise RuleDuplicate(seen[-1]) from None
            finally:
                del self._iterate_security_rules

        return authorize

    SecurityGroupBackend.authorize_security_group_ingress = naming_duplicates(
        SecurityGroupBackend.authorize_security_group_ingress
    )
    SecurityGroupBackend.authorize_security_group_egress = naming_duplicates(
        SecurityGroupBackend.authorize_security_group_egress
    )
    SecurityGroupBackend._labrunner_rule_texts = True

"""Security group rules as EC2 answers `authorize-security-group-ingress` (moto 5.2.1 differs).

AWS's answer lists each new rule with the account that owns its group, `GroupOwnerId`, and no
`Tags` when the rule has none (aws-cli awscli/examples/ec2/authorize-security-group-ingress.rst,
Example 1: SecurityGroupRuleId, GroupId, GroupOwnerId, IsEgress, IpProtocol, FromPort, ToPort,
CidrIpv4). moto left `GroupOwnerId` out and sent an empty `tagSet`, which the CLI prints as
`"Tags": []` in the output of the ssh-group step of ec2-first-instance.
"""

from __future__ import annotations

from typing import Any


def install() -> None:
    from moto.ec2.models.security_groups import SecurityGroupRule

    if getattr(SecurityGroupRule, "_labrunner_rules", False):
        return
    tag_set = SecurityGroupRule.tag_set

    def group_owner_id(self: Any) -> str:
        return str(self.ec2_backend.account_id)

    def tags_if_any(self: Any) -> list[dict[str, str]] | None:
        return tag_set.fget(self) or None  # type: ignore[attr-defined]

    SecurityGroupRule.group_owner_id = property(group_owner_id)
    SecurityGroupRule.tag_set = property(tags_if_any)
    SecurityGroupRule._labrunner_rules = True

"""DeleteSecurityGroup refuses a group something still depends on, as EC2 does.

EC2 API Reference, DeleteSecurityGroup: "If you attempt to delete a security group that is
associated with an instance or network interface, is referenced by another security group in
the same VPC, or has a VPC association, the operation fails with DependencyViolation." The
answer is 400 DependencyViolation `resource sg-… has a dependent object` (as AWS words it in
terraform-provider-aws#1671 and AWS SDK for Java captures: "resource sg-XXXXXXXX has a
dependent object (Service: AmazonEC2; Status Code: 400; Error Code: DependencyViolation)").
moto 5.2.1 deleted the group of a running or stopped instance without a word, which is the
very refusal ec2-first-instance's clean-up step teaches (terminate first, then delete the
group). A terminated instance no longer holds its group.
"""

from __future__ import annotations

from typing import Any


def _in_use(backend: Any, group: Any) -> bool:
    for reservation in backend.all_reservations():
        for instance in reservation.instances:
            if instance._state.name == "terminated":
                continue
            if any(g.id == group.id for g in instance.security_groups):
                return True
            for nic in instance.nics.values():
                if any(getattr(g, "id", g) == group.id for g in nic.group_set):
                    return True
    for groups in backend.groups.values():
        for other in groups.values():
            if other.id == group.id or other.vpc_id != group.vpc_id:
                continue
            for rule in list(other.ingress_rules) + list(other.egress_rules):
                if (getattr(rule, "source_group", None) or {}).get("GroupId") == group.id:
                    return True
    return False


def install() -> None:
    from moto.ec2.exceptions import DependencyViolationError
    from moto.ec2.models.security_groups import SecurityGroupBackend

    if getattr(SecurityGroupBackend, "_labrunner_dependencies", False):
        return
    delete = SecurityGroupBackend.delete_security_group

    def delete_security_group(self: Any, name: str | None = None, group_id: str | None = None) -> None:
        group = None
        if group_id:
            group = self.get_security_group_from_id(group_id)
        elif name:
            group = self.get_security_group_by_name_or_id(name)
        if group is not None and _in_use(self, group):
            raise DependencyViolationError(f"resource {group.id} has a dependent object")
        delete(self, name=name, group_id=group_id)  # moto's own NotFound answers

    SecurityGroupBackend.delete_security_group = delete_security_group
    SecurityGroupBackend._labrunner_dependencies = True

"""EC2 ids in errors as EC2 words them.

* A malformed instance id (`i-123`, `$i-0abc…`, a quoted id): 400 InvalidInstanceID.Malformed
  `Invalid id: "i-123"` (EC2 API Reference, Error codes: "InvalidInstanceID.Malformed — The
  specified instance ID is malformed"; the text as the CLI prints AWS's answer in public
  captures: `Invalid id: "$i-06e179fe55853e04d"`, `Invalid id: "10.10.1.202"`). An instance id is
  `i-` followed by 8 or 17 hexadecimal digits (EC2 User Guide, Resource IDs: the shorter form
  before 2016, the longer after). moto answered InvalidInstanceID.NotFound.
* DescribeSecurityGroups with an unknown group id or name printed a Python set inside the
  message (`The security group '{'sg-1'}' does not exist`) and called every id unknown when one
  was; EC2 says `The security group 'sg-1' does not exist` (EC2 API Reference, Error codes:
  InvalidGroup.NotFound). A group asked for by name (`--group-names lab-ec2-shh`) is looked up in
  the default VPC, and EC2 names it: "An error occurred (InvalidGroup.NotFound) when calling the
  DescribeSecurityGroups operation: The security group 'gateway' does not exist in default VPC
  'vpc-91bbv6f3'" (aws/aws-cli#612; onnela-lab/beiwe-backend#113).
"""

from __future__ import annotations

import re
from typing import Any

INSTANCE_ID = re.compile(r"^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$")


def install() -> None:
    from moto.ec2.exceptions import EC2ClientError, InvalidSecurityGroupNotFoundError
    from moto.ec2.models.instances import InstanceBackend
    from moto.ec2.models.security_groups import SecurityGroupBackend

    if getattr(InstanceBackend, "_labrunner_ids", False):
        return

    def check(ids: list[str]) -> None:
        for instance_id in ids or []:
            if not INSTANCE_ID.match(str(instance_id)):
                raise EC2ClientError("InvalidInstanceID.Malformed", f'Invalid id: "{instance_id}"')

    multi = InstanceBackend.get_multi_instances_by_id
    reservations = InstanceBackend.get_reservations_by_instance_ids

    def _multi(self: Any, instance_ids: list[str], *a: Any, **kw: Any) -> Any:
        check(instance_ids)
        return multi(self, instance_ids, *a, **kw)

    def _reservations(self: Any, instance_ids: list[str], *a: Any, **kw: Any) -> Any:
        check(instance_ids)
        return reservations(self, instance_ids, *a, **kw)

    describe = SecurityGroupBackend.describe_security_groups

    def _describe(self: Any, group_ids: Any = None, groupnames: Any = None, filters: Any = None) -> Any:
        known = [g for groups in self.groups.values() for g in groups.values()]
        for wanted, attr in ((group_ids, "id"), (groupnames, "name")):
            missing = [w for w in wanted or [] if not any(getattr(g, attr) == w for g in known)]
            if missing and attr == "name":
                # A name is looked up in the default VPC, and EC2 says which one.
                vpc = next((v.id for v in self.vpcs.values() if getattr(v, "is_default", False)), None)
                raise EC2ClientError(
                    "InvalidGroup.NotFound",
                    f"The security group '{missing[0]}' does not exist in default VPC '{vpc}'",
                )
            if missing:
                raise InvalidSecurityGroupNotFoundError(",".join(missing))
        return describe(self, group_ids=group_ids, groupnames=groupnames, filters=filters)

    InstanceBackend.get_multi_instances_by_id = _multi
    InstanceBackend.get_reservations_by_instance_ids = _reservations
    SecurityGroupBackend.describe_security_groups = _describe
    InstanceBackend._labrunner_ids = True

"""IAM error texts as IAM words them, where moto 5.2.1 words them its own way (the code and
HTTP status were already right; a learner reads the sentence):

* CreateUser / CreateGroup on a name that exists: 409 EntityAlreadyExists
  `User with name <name> already exists.` / `Group with name <name> already exists.`
  (moto: "User bob already exists"); AWS's text as Terraform prints it from IAM's answer
  ("EntityAlreadyExists: User with name user-92-terraform already exists.", and the same for
  groups in public write-ups).
* A group that does not exist (GetGroup after DeleteGroup, AddUserToGroup, …): 404 NoSuchEntity
  `The group with name <name> cannot be found.` (moto: "Group lab not found"), worded like the
  user's `The user with name <name> cannot be found.`, as IAM answers PutGroupPolicy for a
  missing group in public captures.
* AttachGroupPolicy with a mistyped policy ARN: 404 NoSuchEntity
  `Policy <arn> does not exist or is not attachable.` (moto: "Policy <arn> was not found.");
  AWS's text in Terraform output for AttachRolePolicy ("NoSuchEntity: Policy
  arn:aws:iam::aws:policy/service-role/ConfigRole does not exist or is not attachable.") and
  moto's own AttachUserPolicy and AttachRolePolicy.
"""

from __future__ import annotations

from typing import Any


def install() -> None:
    from moto.iam.exceptions import EntityAlreadyExists, NotFoundException
    from moto.iam.models import IAMBackend

    if getattr(IAMBackend, "_labrunner_messages", False):
        return
    create_user = IAMBackend.create_user
    create_group = IAMBackend.create_group
    attach_group = IAMBackend.attach_group_policy

    def _create_user(self: Any, region_name: str, user_name: str, *a: Any, **kw: Any) -> Any:
        if user_name in self.users:
            raise EntityAlreadyExists(f"User with name {user_name} already exists.")
        return create_user(self, region_name, user_name, *a, **kw)

    def _create_group(self: Any, group_name: str, *a: Any, **kw: Any) -> Any:
        if group_name in self.groups:
            raise EntityAlreadyExists(f"Group with name {group_name} already exists.")
        return create_group(self, group_name, *a, **kw)

    def _get_group(self: Any, group_name: str) -> Any:
        try:
            return self.groups[group_name]
        except KeyError:
            raise NotFoundException(f"The group with name {group_name} cannot be found.")

    def _attach_group(self: Any, policy_arn: str, group_name: str) -> None:
        if not any(p.arn == policy_arn for p in self.managed_policies.values()):
            raise NotFoundException(f"Policy {policy_arn} does not exist or is not attachable.")
        attach_group(self, policy_arn, group_name)

    IAMBackend.create_user = _create_user
    IAMBackend.create_group = _create_group
    IAMBackend.get_group = _get_group
    IAMBackend.attach_group_policy = _attach_group
    IAMBackend._labrunner_messages = True

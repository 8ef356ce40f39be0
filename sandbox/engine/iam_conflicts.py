"""DeleteUser and DeleteGroup refuse while something still hangs off the entity, as in AWS.

AWS: "when you delete a user programmatically, you must delete the items attached to the user
manually, or the deletion fails" (access keys, login profile, MFA devices, signing
certificates, SSH public keys, group memberships, policies), and a group must have no members
and no policies: DeleteConflict, HTTP 409.
https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUser.html
https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteGroup.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_users_remove.html#id_users_deleting_cli
moto 5.2 checks only a user's policies and none of a group's: a user with a key and a group
vanished (its key and membership left dangling: get-group still listed it), and a group with
members and ReadOnlyAccess was deleted, which is exactly the order the iam-groups lab teaches.
The messages are AWS's, as seen in its DeleteConflict answers ("must delete access keys
first", "must delete login profile first", "must delete MFA device first", "must remove users
from group first"; SSH keys and certificates: "must remove referenced objects first").
"""

from __future__ import annotations

from typing import Any


def install() -> None:
    from moto.iam.exceptions import DeleteConflictException
    from moto.iam.models import IAMBackend

    delete_user = IAMBackend.delete_user
    delete_group = IAMBackend.delete_group

    def conflict(what: str) -> None:
        raise DeleteConflictException(f"Cannot delete entity, must {what} first.")

    def _delete_user(self: Any, user_name: str) -> None:
        user = self.get_user(user_name)  # NoSuchEntity as before
        if user.access_keys:
            conflict("delete access keys")
        if user.password is not None:
            conflict("delete login profile")
        if user.mfa_devices:
            conflict("delete MFA device")
        if user.signing_certificates or user.ssh_public_keys:
            conflict("remove referenced objects")
        if any(user in g.users for g in self.groups.values()):
            conflict("remove users from group")
        delete_user(self, user_name)  # moto's own policy checks, then the deletion

    def _delete_group(self: Any, group_name: str) -> None:
        group = self.groups.get(group_name)
        if group is not None:
            if group.users:
                conflict("remove users from group")
            if group.managed_policies:
                conflict("detach all policies")
            if group.policies:
                conflict("delete policies")
        delete_group(self, group_name)

    IAMBackend.delete_user = _delete_user
    IAMBackend.delete_group = _delete_group

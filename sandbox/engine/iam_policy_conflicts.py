"""DeletePolicy refuses a customer-managed policy that is still attached or still has versions
other than its default, as IAM does.

IAM API Reference, DeletePolicy: "Before you can delete a managed policy, you must first detach
the policy from all users, groups, and roles that it is attached to. In addition, you must
delete all the policy's versions." AWS answers 409 DeleteConflict with
`Cannot delete a policy attached to entities.` (quoted from AWS in the Terraform/Pulumi
aws_iam_policy_attachment docs and CloudFormation stack errors) and, for extra versions,
`This policy has more than one version. Before you delete a policy, you must delete the
policy's versions. The default version is deleted with the policy.` (aws-samples
security-reference-architecture's comment quoting botocore's DeleteConflictException).
moto 5.2.1 deleted it anyway and left the attachment behind: the user it was attached to then
could not be cleaned up (`detach-user-policy` → NoSuchEntity, `delete-user` → DeleteConflict).
"""

from __future__ import annotations

from typing import Any

ATTACHED = "Cannot delete a policy attached to entities."
VERSIONS = (
    "This policy has more than one version. Before you delete a policy, you must delete the "
    "policy's versions. The default version is deleted with the policy."
)


def install() -> None:
    from moto.iam.exceptions import DeleteConflictException
    from moto.iam.models import IAMBackend

    if getattr(IAMBackend, "_labrunner_policy_conflicts", False):
        return
    delete_policy = IAMBackend.delete_policy

    def _delete_policy(self: Any, policy_arn: str) -> None:
        policy = self.get_policy(policy_arn)  # NoSuchEntity as before
        if policy.attachment_count > 0:
            raise DeleteConflictException(ATTACHED)
        if len(policy.versions) > 1:
            raise DeleteConflictException(VERSIONS)
        delete_policy(self, policy_arn)

    IAMBackend.delete_policy = _delete_policy
    IAMBackend._labrunner_policy_conflicts = True

"""Two "not found" texts as AWS words them, where moto 5.2.1 words them its own way (the code
and HTTP status were already right; a learner reads the sentence after a typo):

* A role that does not exist (GetRole, DeleteRole, AttachRolePolicy, … with a mistyped name):
  404 NoSuchEntity `The role with name <name> cannot be found.` (moto: "Role lab-veiwer not
  found"). AWS's text as the CLI prints it in aws-samples/amazon-eks-security-immersion-day#54
  ("An error occurred (NoSuchEntity) when calling the GetRole operation: The role with name
  k8sAdmin cannot be found.") and jarpy/lambkin#3, aws/amazon-sagemaker-examples#2300 (GetRole).
* DescribeKeyPairs with a key name that does not exist: 400 InvalidKeyPair.NotFound
  `The key pair '<name>' does not exist` (moto printed a Python set: `The keypair
  '{'lab-ec2-kee'}' does not exist.`). AWS's XML answer quoted in ttlequals0/autovpn#21
  (`<Code>InvalidKeyPair.NotFound</Code><Message>The key pair 'ap-southeast-2_vpnkey.pem' does
  not exist</Message>`), hashicorp/vault-guides#260.
"""

from __future__ import annotations

from typing import Any


def install() -> None:
    """The IAM text. The key-pair text is `install_ec2`, applied when moto.ec2 is first
    imported (lazy_import.py: importing it costs ~1.5 s of CPU)."""
    from moto.iam.exceptions import NotFoundException
    from moto.iam.models import IAMBackend

    if getattr(IAMBackend, "_labrunner_not_found", False):
        return

    def _get_role(self: Any, role_name: str) -> Any:
        for role in self.get_roles():
            if role.name == role_name:
                return role
        raise NotFoundException(f"The role with name {role_name} cannot be found.")

    IAMBackend.get_role = _get_role
    IAMBackend._labrunner_not_found = True


def install_ec2() -> None:
    from moto.ec2 import exceptions as ec2_exceptions
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.models import key_pairs

    if getattr(ec2_exceptions, "_labrunner_not_found", False):
        return

    class KeyPairNotFound(EC2ClientError):
        def __init__(self, keys: Any) -> None:
            name = sorted(keys)[0] if isinstance(keys, (set, list, tuple)) and keys else keys
            super().__init__("InvalidKeyPair.NotFound", f"The key pair '{name}' does not exist")

    key_pairs.InvalidKeyPairNameError = KeyPairNotFound  # type: ignore[misc]
    ec2_exceptions.InvalidKeyPairNameError = KeyPairNotFound  # type: ignore[misc]
    ec2_exceptions._labrunner_not_found = True  # type: ignore[attr-defined]

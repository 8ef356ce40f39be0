"""RunInstances as AWS validates it (moto 5.2.1 accepts any image id and instance type).

* `--image-id resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64`
  launches the AMI that public parameter names, and the instance records that AMI id (EC2 User
  Guide, "Use a Systems Manager parameter instead of an AMI ID"); moto stored the literal text.
  An unknown parameter is `InvalidParameterValue` (message as the EC2 docs' example shows it is
  unverified; the code is the documented one).
* Unknown AMIs, instance types and key pairs are refused: moto's own validations, off by
  default, are switched on in engine.py (MOTO_ENABLE_AMI_VALIDATION and friends).
"""

from __future__ import annotations

from typing import Any

PREFIX = "resolve:ssm:"


def install() -> None:
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.models.instances import InstanceBackend

    if getattr(InstanceBackend, "_labrunner_launch", False):
        return
    run_instances = InstanceBackend.run_instances

    def resolve_then_run(self: Any, image_id: str, *args: Any, **kwargs: Any) -> Any:
        if image_id and image_id.startswith(PREFIX):
            name = image_id[len(PREFIX):]
            value = None
            try:
                from moto.ssm.models import ssm_backends

                param = ssm_backends[self.account_id][self.region_name].get_parameter(name)
                value = param.value if param is not None else None
            except Exception:  # noqa: BLE001 - an unknown parameter is answered below
                value = None
            if not value:
                raise EC2ClientError(
                    "InvalidParameterValue",
                    f"Invalid value '{image_id}' for parameter imageId: "
                    f"the Systems Manager parameter {name} was not found.",
                )
            image_id = value
        try:
            return run_instances(self, image_id, *args, **kwargs)
        except EC2ClientError as e:
            # moto formats the missing name as a Python set ("The keypair '{'k'}' does not
            # exist."); EC2 says "The key pair 'k' does not exist".
            if e.code == "InvalidKeyPair.NotFound" and kwargs.get("key_name"):
                raise EC2ClientError(
                    "InvalidKeyPair.NotFound", f"The key pair '{kwargs['key_name']}' does not exist"
                ) from None
            raise

    InstanceBackend.run_instances = resolve_then_run
    InstanceBackend._labrunner_launch = True

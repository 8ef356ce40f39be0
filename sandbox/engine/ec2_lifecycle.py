"""The EC2 instance life cycle: what StopInstances, StartInstances, TerminateInstances and
RebootInstances do in each state, as EC2 does it (moto 5.2.1 moves any instance anywhere: a
terminated instance could be stopped and started again, and terminating it twice answered
`shutting-down`, as if it came back to life).

AWS's rules (EC2 User Guide, "Amazon EC2 instance state changes": "terminated — The instance
has been permanently deleted and cannot be started"; EC2 API Reference):
  * TerminateInstances "is idempotent; if you terminate an instance more than once, each call
    succeeds": a terminated instance stays terminated (PreviousState and CurrentState
    `terminated`); any other goes to `shutting-down` (and here at once to `terminated`).
  * StopInstances on a terminated (or shutting-down) instance: 400 IncorrectInstanceState
    `This instance 'i-…' is not in a state from which it can be stopped.` (a captured CloudTrail
    record of aws-cli 2.17's stop-instances: errorCode Client.IncorrectInstanceState, that
    message). A stopped instance stays stopped (the call succeeds, stopped → stopped).
  * StartInstances on a terminated (or shutting-down, stopping) instance: IncorrectInstanceState
    `The instance 'i-…' is not in a state from which it can be started.` (quoted from AWS in
    cloud-custodian's tests and burstable-ai/burst#42). A running instance stays running.
  * RebootInstances "succeeds if the instances are valid and belong to you. Requests to reboot
    terminated instances are ignored." (API Reference): it never changes the state (moto set a
    stopped or terminated instance `running`).
Every instance of the call is checked before any changes (the captured StopInstances above
named two instances and failed as a whole).
"""

from __future__ import annotations

from typing import Any

STATES = {
    "pending": 0,
    "running": 16,
    "shutting-down": 32,
    "terminated": 48,
    "stopping": 64,
    "stopped": 80,
}

STOP_MSG = "This instance '{}' is not in a state from which it can be stopped."
START_MSG = "The instance '{}' is not in a state from which it can be started."


def _state(name: str) -> dict[str, Any]:
    return {"Code": STATES[name], "Name": name}


def install() -> None:
    from moto.core.responses import ActionResult
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.models.instances import InstanceBackend
    from moto.ec2.responses.instances import InstanceResponse

    if getattr(InstanceBackend, "_labrunner_lifecycle", False):
        return

    def refuse(instances: list[Any], bad: set[str], message: str) -> None:
        for instance in instances:
            if instance._state.name in bad:
                raise EC2ClientError("IncorrectInstanceState", message.format(instance.id))

    def changes(instances: list[Any], stay: str, shown: str, act: Any) -> list[dict[str, Any]]:
        """Apply `act` to each instance not already in `stay`; the answer shows `shown` as
        the state it moves to (it gets there at once here) and `stay` for the ones already
        there."""
        out = []
        for instance in instances:
            before = instance._state.name
            if before == stay:
                out.append({"InstanceId": instance.id, "CurrentState": _state(stay), "PreviousState": _state(stay)})
                continue
            act(instance)
            out.append({"InstanceId": instance.id, "CurrentState": _state(shown), "PreviousState": _state(before)})
        return out

    def stop_instances(self: Any) -> Any:
        ids = self._get_param("InstanceIds", [])
        self.error_on_dryrun()
        instances = self.ec2_backend.get_multi_instances_by_id(ids)
        refuse(instances, {"terminated", "shutting-down"}, STOP_MSG)
        for instance in instances:
            if instance.disable_api_stop is True and instance._state.name != "stopped":
                from moto.ec2.exceptions import OperationDisableApiStopNotPermitted

                raise OperationDisableApiStopNotPermitted(instance.id)
        return ActionResult({"StoppingInstances": changes(instances, "stopped", "stopping", lambda i: i.stop())})

    def start_instances(self: Any) -> Any:
        ids = self._get_param("InstanceIds", [])
        self.error_on_dryrun()
        instances = self.ec2_backend.get_multi_instances_by_id(ids)
        refuse(instances, {"terminated", "shutting-down", "stopping"}, START_MSG)
        return ActionResult({"StartingInstances": changes(instances, "running", "pending", lambda i: i.start())})

    terminate_original = InstanceBackend.terminate_instances

    def terminate_instances(self: Any, instance_ids: list[str]) -> list[Any]:
        """moto's own checks and side effects for the live instances; a terminated one is
        answered as it is (its previous state None)."""
        if not instance_ids:
            return terminate_original(self, instance_ids)  # InvalidParameterCombination
        instances = self.get_multi_instances_by_id(instance_ids)
        live = [i.id for i in instances if i._state.name != "terminated"]
        changed = {i.id: prev for i, prev in terminate_original(self, live)} if live else {}
        return [(i, changed.get(i.id)) for i in instances]

    def terminate_response(self: Any) -> Any:
        ids = self._get_param("InstanceIds", [])
        self.error_on_dryrun()
        result = []
        for instance, previous in self.ec2_backend.terminate_instances(ids):
            if previous is None:
                result.append({"InstanceId": instance.id, "CurrentState": _state("terminated"), "PreviousState": _state("terminated")})
            else:
                result.append({"InstanceId": instance.id, "CurrentState": _state("shutting-down"), "PreviousState": _state(previous.name)})
        from moto.autoscaling import autoscaling_backends
        from moto.elbv2 import elbv2_backends

        autoscaling_backends[self.current_account][self.region].notify_terminate_instances(ids)
        elbv2_backends[self.current_account][self.region].notify_terminate_instances(ids)
        return ActionResult({"TerminatingInstances": result})

    def reboot_instances(self: Any, instance_ids: list[str]) -> list[Any]:
        # Valid ids that belong to the caller: nothing else to check, and the state stays.
        return self.get_multi_instances_by_id(instance_ids)

    InstanceResponse.stop_instances = stop_instances
    InstanceResponse.start_instances = start_instances
    InstanceResponse.terminate_instances = terminate_response
    InstanceBackend.terminate_instances = terminate_instances
    InstanceBackend.reboot_instances = reboot_instances
    InstanceBackend._labrunner_lifecycle = True

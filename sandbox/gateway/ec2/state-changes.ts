// responseElements of the calls that change an instance's state, as CloudTrail records them:
// every instance with its current and previous state. The CloudTrail User Guide's log file
// examples: StopInstances `"requestParameters": {"instancesSet": {"items": [{"instanceId":
// "i-ebeaf9e2"}]}, "force": false}, "responseElements": {"instancesSet": {"items":
// [{"instanceId": "i-ebeaf9e2", "currentState": {"code": 64, "name": "stopping"},
// "previousState": {"code": 16, "name": "running"}}]}}`, and StartInstances the same with
// pending/stopped. TerminateInstances answers the same structure (EC2 API Reference,
// TerminateInstances: TerminatingInstances of InstanceStateChange). The sandbox recorded none,
// so a learner's event history could not show what a stop or terminate did.
export const STATE_CHANGES = new Set(['StartInstances', 'StopInstances', 'TerminateInstances']);

const ITEM = /<item>\s*<instanceId>(i-[0-9a-f]+)<\/instanceId>([\s\S]*?)<\/item>/g;
const state = (xml: string, which: string) => {
  const m = new RegExp(
    `<${which}>\\s*<code>(\\d+)</code>\\s*<name>([a-z-]+)</name>\\s*</${which}>`,
  ).exec(xml);
  return m ? { code: Number(m[1]), name: m[2] } : undefined;
};

export function stateChangeElements(body: string): Record<string, unknown> | undefined {
  const items = [...body.matchAll(ITEM)].map(([, instanceId, rest]) => ({
    instanceId,
    currentState: state(rest, 'currentState'),
    previousState: state(rest, 'previousState'),
  }));
  return items.length ? { instancesSet: { items } } : undefined;
}

// LookupEvents over a log whose records are only nearly in time order (a record is appended when
// its call ends, stamped with the time it began): a slow call that began before a fast one is
// logged after it, and a StartTime between the two must still find both.
import { expect, it } from 'vitest';
import type { ActivityRecord } from '../../sandbox/gateway/activity-log.ts';
import { lookupEvents } from '../../sandbox/gateway/cloudtrail/lookup-events.ts';

const rec = (eventName: string, ms: number): ActivityRecord => ({
  eventId: eventName,
  eventTime: new Date(ms).toISOString(),
  requestId: `req-${eventName}`,
  service: 'iam',
  eventName,
  region: 'us-east-1',
  accountId: '123456789012',
  userAgent: 'aws-cli/1.45',
  sourceIp: '127.0.0.1',
  readOnly: false,
  resources: [],
});

it('finds a call that began after StartTime even when an older, slower call was logged after it', () => {
  const t0 = Date.UTC(2026, 10, 23, 12, 0, 0);
  const log = [
    rec('Old', t0 - 10 * 60_000),
    rec('Fast', t0 + 1000),
    rec('SlowStartedEarlier', t0 + 500),
    rec('Before', t0 - 2000),
  ];
  const out = lookupEvents(Buffer.from(JSON.stringify({ StartTime: t0 / 1000 })), log, t0 + 5000);
  if (!('body' in out)) throw new Error(JSON.stringify(out.error));
  const names = JSON.parse(out.body.toString()).Events.map(
    (e: { EventName: string }) => e.EventName,
  );
  expect(names).toEqual(['SlowStartedEarlier', 'Fast']);
});

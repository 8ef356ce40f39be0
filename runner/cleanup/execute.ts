// Execute: carry out a plan one action at a time, marking each ledger entry
// removed the moment its action completes. A cleanup killed halfway leaves the
// ledger saying exactly what is done; the rerun plans again and finishes.
import { rm } from 'node:fs/promises';
import { DeleteAccessKeyCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { deleteUser, kindOf } from '../resources/index.ts';
import { removeProfileSections } from '../resources/profile-file.ts';
import { inRegion } from '../ownership/index.ts';
import { ledgerFor, markRemoved, type Store } from '../store/index.ts';
import type { Env } from '../paths.ts';
import { ignoreGone } from '../aws/index.ts';
import { EXIT, LabError } from '../errors.ts';
import type { CleanupAction, CleanupPlan, CleanupTarget } from './types.ts';

export interface ExecuteOptions {
  target: CleanupTarget;
  store: Store;
  /** Called after each completed action with its plan text. */
  onDone?: (text: string) => void;
  /**
   * Test hook: LAB_CLEANUP_CRASH_AFTER=N kills this process (SIGKILL, as a
   * crash or Ctrl-\ would) right after the Nth completed action, so tests can
   * prove that a rerun finishes a cleanup interrupted at a known point.
   */
  env?: Env;
}

export async function executePlan(plan: CleanupPlan, o: ExecuteOptions): Promise<string[]> {
  const done: string[] = [];
  const crashAfter = Number(o.env?.LAB_CLEANUP_CRASH_AFTER ?? 0);
  const keyIds = new Set(plan.keyIds);
  for (const [i, action] of plan.actions.entries()) {
    try {
      await perform(action, o, keyIds, plan.runId);
    } catch (e) {
      throw stepFailed(plan, i, action, e, o.target.environmentError?.(e));
    }
    for (const id of action.ledgerIds) markRemoved(o.store, id);
    done.push(action.text);
    o.onDone?.(action.text);
    if (crashAfter > 0 && done.length >= crashAfter) process.kill(process.pid, 'SIGKILL');
  }
  return done;
}

/**
 * A failure while carrying out one action: named by the plan's step, the kind and the thing, with
 * what AWS said, never as "a bug in labrunner" with a stack (the lab declared the kind; AWS or the
 * account refused). Environment failures stay what they are (exit 2, with their own advice).
 */
function stepFailed(
  plan: CleanupPlan,
  i: number,
  a: CleanupAction,
  e: unknown,
  environment: LabError | undefined,
): LabError {
  if ((e as Error)?.name === 'LabError') return e as LabError;
  if (environment) return environment;
  const err = e as { name?: string; message?: string };
  const kind = a.resourceKind ?? (a.keyId ? 'access-key' : a.kind);
  const first = String(err?.message ?? e)
    .split('\n')[0]
    .slice(0, 200);
  return new LabError(
    'cleanup_step_failed',
    `The cleanup of ${plan.lab} stopped at step ${i + 1} of ${plan.actions.length} (${kind}): ${a.text} — ${err?.name ?? 'Error'}: ${first}`,
    `Steps 1–${i} are done and recorded. Fix what AWS reports above (or remove that ${kind} yourself), then run \`lab cleanup ${plan.lab}${plan.target.kind === 'aws' ? ' --target aws' : ''}\`: it picks up where it stopped.`,
    EXIT.incomplete,
  );
}

async function perform(
  a: CleanupAction,
  o: ExecuteOptions,
  keyIds: Set<string>,
  runId: number,
): Promise<void> {
  const iam = o.target.clients.iam;
  switch (a.kind) {
    case 'deactivate-key':
      // The lab teaches deactivate-then-delete: an inactive key can be re-enabled if
      // something still needed it; a deleted one cannot.
      await ignoreGone(
        iam.send(
          new UpdateAccessKeyCommand({
            UserName: a.userName,
            AccessKeyId: a.keyId,
            Status: 'Inactive',
          }),
        ),
      );
      return;
    case 'delete-key':
      await ignoreGone(
        iam.send(new DeleteAccessKeyCommand({ UserName: a.userName, AccessKeyId: a.keyId })),
      );
      return;
    case 'remove-profile-section':
      if (a.headers!.length) await removeProfileSections(a.path!, a.file!, a.headers!, keyIds);
      return;
    case 'remove-cached-session':
      await rm(a.path!, { force: true });
      return;
    case 'forget':
      return;
    case 'delete-resource': {
      const kind = kindOf(a.resourceKind!);
      if (!kind) throw new Error(`no resource kind ${a.resourceKind}`);
      const region = typeof a.details?.region === 'string' ? a.details.region : undefined;
      await kind.delete(inRegion(o.target, region), a.resourceId!, a.details ?? {});
      // A user's keys went with it: close their ledger entries too.
      if (a.resourceKind === 'iam-user') {
        for (const e of ledgerFor(o.store, runId)) {
          if (e.kind === 'access-key' && !e.removedAt && e.details.userName === a.resourceId) {
            markRemoved(o.store, e.id);
          }
        }
      }
      return;
    }
  }
}

export { deleteUser };

// Shared by the sandbox console pages: is the console available, and error display.
import { serverInfo, getJSON, whileBusy, withCode } from '../api.ts';

export { getJSON, whileBusy };

/** True when the console can act; otherwise shows why and hides the page's body. */
export async function consoleReady(): Promise<boolean> {
  const info = await serverInfo();
  if (info?.console) return true;
  const note = document.querySelector<HTMLElement>('[data-console-unavailable]')!;
  const reason = note.querySelector<HTMLElement>('[data-console-reason]')!;
  reason.textContent = info
    ? 'This server checks a real AWS account: use the AWS console there instead.'
    : 'This is a static copy of the site.';
  note.hidden = false;
  document.querySelector<HTMLElement>('[data-console-body]')!.hidden = true;
  return false;
}

export function showError(el: HTMLElement, e: unknown) {
  const body = (e as { body?: { message?: string; hint?: string } }).body;
  el.replaceChildren(
    ...withCode(
      body?.message ? `${body.message}${body.hint ? ` ${body.hint}` : ''}` : (e as Error).message,
    ),
  );
}

export function param(name: string): string {
  return new URL(location.href).searchParams.get(name) ?? '';
}

export const userHref = (name: string) => `/console/iam/user/?name=${encodeURIComponent(name)}`;

/** The site's one date format (as on the dashboard): `2026-11-23 09:20 UTC`. */
export function when(iso: string | null): string {
  return iso ? `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
}

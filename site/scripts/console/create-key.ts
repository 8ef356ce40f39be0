// Create an access key and show its secret once. The secret is kept in one variable
// and the DOM of this page only; leaving the page (or hiding it into the back/forward
// cache) wipes both, so it is on no page after the creation page is left.
import { consoleReady, getJSON, param, showError, userHref, whileBusy } from './common.ts';

const name = param('name');
const $ = <T extends HTMLElement>(sel: string) => document.querySelector<T>(sel)!;
const errorBox = $('[data-error]');
let key: { accessKeyId: string; secretAccessKey: string } | undefined;

const MASK = '••••••••••••••••';

function wipe() {
  key = undefined;
  $('[data-secret]').textContent = MASK;
  $('[data-key-id]').textContent = '';
  $('[data-stage="retrieve"]').hidden = true;
  $('[data-stage="ack"]').hidden = false;
}
addEventListener('pagehide', wipe);

for (const el of document.querySelectorAll('[data-user-name]')) el.textContent = name;
for (const a of document.querySelectorAll<HTMLAnchorElement>('[data-back], [data-done]')) {
  a.href = `${userHref(name)}#security-credentials`;
}
const crumbs = document.querySelectorAll<HTMLAnchorElement>('.crumbs a');
const userCrumb = crumbs[crumbs.length - 1];
if (userCrumb) Object.assign(userCrumb, { href: userHref(name), textContent: name });

// As in the AWS console: each use case names the safer alternative before the key is made.
const ALTERNATIVES: Record<string, string> = {
  cli: 'Use AWS CloudShell, a browser-based CLI, or the AWS CLI V2 with authentication through a user in IAM Identity Center.',
  local:
    'Use an IDE that supports the AWS Toolkit, which lets you authenticate through IAM Identity Center.',
  compute:
    'Assign an IAM role to the compute resource (EC2 instance, ECS task, Lambda function): it gets temporary credentials.',
  other: 'Where a program can use temporary credentials (roles, IAM Identity Center), prefer them.',
};
for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="use"]')) {
  radio.addEventListener('change', () => {
    $('[data-alternative-text]').textContent = ALTERNATIVES[radio.value];
    $('[data-alternative]').hidden = false;
  });
}

$('[data-ack-form]').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const createBtn = $<HTMLButtonElement>('[data-create]');
  await whileBusy(createBtn, async () => {
    errorBox.textContent = '';
    try {
      key = await getJSON(`/api/console/users/${encodeURIComponent(name)}/keys`, {
        method: 'POST',
        body: JSON.stringify({ acknowledge: $<HTMLInputElement>('[data-ack]').checked }),
      });
      $('[data-key-id]').textContent = key!.accessKeyId;
      $('[data-stage="ack"]').hidden = true;
      $('[data-stage="retrieve"]').hidden = false;
      $('#ret-h').focus();
    } catch (e) {
      showError(errorBox, e);
    }
  });
});

$('[data-show]').addEventListener('click', (ev) => {
  const b = ev.currentTarget as HTMLButtonElement;
  const shown = b.getAttribute('aria-pressed') === 'true';
  $('[data-secret]').textContent = shown || !key ? MASK : key.secretAccessKey;
  b.setAttribute('aria-pressed', String(!shown));
  b.textContent = shown ? 'Show' : 'Hide';
});

$('[data-copy-secret]').addEventListener('click', async () => {
  if (!key) return;
  const out = $('[data-copy-status]');
  try {
    await navigator.clipboard.writeText(key.secretAccessKey);
    out.textContent = 'Secret access key copied.';
  } catch {
    out.textContent = 'Copying is blocked here: use Show, then select the text.';
  }
});

// The same two columns as the AWS console's file, built in the browser: no second request.
$('[data-csv]').addEventListener('click', () => {
  if (!key) return;
  const csv = `Access key ID,Secret access key\r\n${key.accessKeyId},${key.secretAccessKey}\r\n`;
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
  const a = Object.assign(document.createElement('a'), {
    href: url,
    download: `${name}_accessKeys.csv`,
  });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
});

await consoleReady();

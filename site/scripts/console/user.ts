// The user page: list access keys; deactivate/activate; delete after the id is typed back.
import { consoleReady, getJSON, param, showError, when } from './common.ts';
import { actionsMenu } from './menu.ts';

interface Key {
  accessKeyId: string;
  status: 'Active' | 'Inactive';
  createDate: string;
  lastUsed: { date: string; service: string | null; region: string | null } | null;
}

const lastUsed = (k: Key) =>
  k.lastUsed
    ? `${when(k.lastUsed.date)}${k.lastUsed.service ? ` · ${k.lastUsed.service}` : ''}${k.lastUsed.region ? ` · ${k.lastUsed.region}` : ''}`
    : 'Never used';

// Tabs, as on the AWS console's user page: Permissions first; `#security-credentials` (the
// address the create-key page returns to) opens the access keys. Arrow keys move between tabs.
const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
function selectTab(id: string, focus = false) {
  for (const t of tabs) {
    const on = t.dataset.tab === id;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    document.getElementById(`panel-${t.dataset.tab}`)!.hidden = !on;
    if (on && focus) t.focus();
  }
}
for (const [i, t] of tabs.entries()) {
  t.addEventListener('click', () => {
    selectTab(t.dataset.tab!);
    history.replaceState(null, '', `#${t.dataset.tab}`);
  });
  t.addEventListener('keydown', (e) => {
    const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (d) selectTab(tabs[(i + d + tabs.length) % tabs.length].dataset.tab!, true);
  });
}
if (location.hash === '#security-credentials') selectTab('security-credentials');

const name = param('name');
const $ = <T extends HTMLElement>(sel: string) => document.querySelector<T>(sel)!;
const api = `/api/console/users/${encodeURIComponent(name)}`;
const errorBox = $('[data-error]');
const status = $('[data-status]');

function button(label: string, cls: string, onClick: () => void, disabled = false) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = cls;
  b.textContent = label;
  b.disabled = disabled;
  b.addEventListener('click', onClick);
  return b;
}

async function setStatus(key: Key, to: Key['status']) {
  try {
    await getJSON(`${api}/keys/${key.accessKeyId}`, {
      method: 'PATCH',
      body: JSON.stringify({ status: to }),
    });
    await load();
    status.textContent = `Access key ${key.accessKeyId} is now ${to.toLowerCase()}.`;
    // Focus stays on the key: its Actions menu, where the next step (Delete) now is.
    const row = document.querySelector(`tr[data-key="${key.accessKeyId}"]`);
    row?.querySelector<HTMLElement>('[aria-haspopup="menu"]')?.focus();
  } catch (e) {
    showError(errorBox, e);
  }
}

// Deactivate asks first, as the AWS console does: programs using the key stop working.
const deactivateDialog = $<HTMLDialogElement>('[data-deactivate-dialog]');
let deactivating: Key | undefined;
let deactivateOpener: HTMLElement | undefined;
function confirmDeactivate(key: Key, from: HTMLElement) {
  deactivating = key;
  deactivateOpener = from;
  $('[data-deact-id]').textContent = key.accessKeyId;
  deactivateDialog.showModal();
  $('[data-deact-cancel]').focus(); // the safe choice first
}
$('[data-deact-cancel]').addEventListener('click', () => deactivateDialog.close());
deactivateDialog.addEventListener('close', () => {
  if (deactivateDialog.returnValue !== 'deactivate') deactivateOpener?.focus();
  deactivateDialog.returnValue = '';
});
$('[data-deactivate-form]').addEventListener('submit', (ev) => {
  ev.preventDefault();
  deactivateDialog.close('deactivate');
  if (deactivating) void setStatus(deactivating, 'Inactive');
});

// Delete: the dialog's Delete button is enabled only when the typed id matches.
const dialog = $<HTMLDialogElement>('[data-delete-dialog]');
const confirmInput = $<HTMLInputElement>('#del-confirm');
const submit = $<HTMLButtonElement>('[data-del-submit]');
let deleting: Key | undefined;
let opener: HTMLElement | undefined;

function openDelete(key: Key, from: HTMLElement) {
  deleting = key;
  opener = from;
  $('[data-del-id]').textContent = key.accessKeyId;
  $('[data-del-last-used]').textContent = lastUsed(key);
  $('[data-del-error]').textContent = '';
  confirmInput.value = '';
  submit.disabled = true;
  dialog.showModal();
  confirmInput.focus();
}
confirmInput.addEventListener('input', () => {
  submit.disabled = confirmInput.value.trim() !== deleting?.accessKeyId;
});
$('[data-del-cancel]').addEventListener('click', () => dialog.close());
dialog.addEventListener('close', () => opener?.isConnected && opener.focus());
$('[data-delete-form]').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  if (!deleting) return;
  try {
    await getJSON(`${api}/keys/${deleting.accessKeyId}`, {
      method: 'DELETE',
      body: JSON.stringify({ confirm: confirmInput.value.trim() }),
    });
    const gone = deleting.accessKeyId;
    opener = undefined;
    dialog.close();
    await load();
    status.textContent = `Access key ${gone} was deleted.`;
    // Focus goes to the other key's first action, or to "Create access key" when none is left.
    const next = document.querySelector<HTMLElement>('[data-keys] tr[data-key] [aria-haspopup]');
    (next ?? $('[data-create]')).focus();
  } catch (e) {
    showError($('[data-del-error]'), e);
  }
});

async function load() {
  const user = await getJSON(api);
  $('[data-user-name]').textContent = user.userName;
  document.title = `${user.userName} · Sandbox console · labrunner`;
  $('[data-arn]').textContent = user.arn;
  $('[data-policies]').textContent = user.policies.join(', ') || 'None';
  $('[data-policies-tab]').textContent = user.policies.join(', ') || 'None';
  const rows = (user.keys as Key[]).map((k) => {
    const tr = document.createElement('tr');
    const cells = [k.accessKeyId, k.status, when(k.createDate), lastUsed(k)].map((t, i) => {
      const td = document.createElement('td');
      if (i === 0) td.append(Object.assign(document.createElement('code'), { textContent: t }));
      else td.textContent = t;
      return td;
    });
    const actions = document.createElement('td');
    const box = actionsMenu('Actions', [
      k.status === 'Active'
        ? { label: 'Deactivate', onSelect: () => confirmDeactivate(k, menuButton()) }
        : { label: 'Activate', onSelect: () => void setStatus(k, 'Active') },
      {
        label: 'Delete',
        danger: true,
        disabled: k.status === 'Active' ? 'Deactivate the key first' : undefined,
        onSelect: () => openDelete(k, menuButton()),
      },
    ]);
    const menuButton = () => box.querySelector<HTMLElement>('[aria-haspopup="menu"]')!;
    actions.append(box);
    tr.append(...cells, actions);
    tr.dataset.key = k.accessKeyId;
    return tr;
  });
  const tbody = $('[data-keys]');
  if (rows.length) tbody.replaceChildren(...rows);
  else tbody.innerHTML = '<tr><td colspan="5">This user has no access keys.</td></tr>';
  const create = $<HTMLAnchorElement>('[data-create]');
  create.href = `/console/iam/create-key/?name=${encodeURIComponent(user.userName)}`;
  create.hidden = rows.length >= 2; // AWS allows two keys per user
}

if (await consoleReady()) {
  load().catch((e) => {
    showError(errorBox, e);
    // Without the user, the tabs and their Create access key would be dead ends.
    for (const el of document.querySelectorAll<HTMLElement>(
      '[data-summary], [role=tablist], [role=tabpanel]',
    ))
      el.hidden = true;
  });
}

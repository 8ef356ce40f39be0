// Every page's sign-in state with `lab serve` (runner/serve/access.ts): served and signed
// in → a "Sign out" button, which revokes the token for every tab and copy of the address;
// served but without a valid token → say where the address is. A static copy: nothing.
import { forgetToken, getJSON, serverInfo, signedOut, withCode } from './api.ts';

const box = document.querySelector<HTMLElement>('[data-session]');
const note = box?.querySelector<HTMLElement>('[data-session-note]');
const button = box?.querySelector<HTMLButtonElement>('[data-signout]');

function say(text: string) {
  note?.replaceChildren(...withCode(text));
  if (box) box.hidden = false;
}

const info = await serverInfo();
if (box && button && info) {
  box.hidden = false;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await getJSON('/api/session/signout', { method: 'POST', body: '{}' });
    } catch {
      /* signed out already */
    }
    forgetToken();
    button.hidden = true;
    say(
      'Signed out: this address no longer works in any tab. `lab serve` printed a new one in its terminal.',
    );
  });
} else if (signedOut) {
  say('Not signed in to `lab serve`: open the address it printed in its terminal (`#token=…`).');
}

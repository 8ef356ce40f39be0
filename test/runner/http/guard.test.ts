// The request guard's decisions (runner/http/guard.ts), one per kind of hostile request;
// the Chromium tests (test/class/dashboard-sign-in.test.ts, test/site/serve.test.ts) drive
// the same guard through real pages.
import { describe, expect, it } from 'vitest';
import { crossSiteReason, hostAllowed } from '../../../runner/http/guard.ts';

describe('Host check (DNS rebinding)', () => {
  const loop = { listenHost: '127.0.0.1' };
  it('accepts only the loopback name and port the server listens on', () => {
    expect(hostAllowed('127.0.0.1:4321', 4321, loop)).toBe(true);
    expect(hostAllowed('localhost:4321', 4321, loop)).toBe(true);
    expect(hostAllowed('[::1]:4321', 4321, loop)).toBe(true);
    expect(hostAllowed('attacker.example:4321', 4321, loop)).toBe(false);
    expect(hostAllowed('127.0.0.1:9999', 4321, loop)).toBe(false);
    expect(hostAllowed('localhost', 4321, loop)).toBe(false);
    expect(hostAllowed('', 4321, loop)).toBe(false);
  });
  it('accepts the configured public host, and any name when not bound to loopback', () => {
    expect(
      hostAllowed('class.example.org', 443, { ...loop, publicHost: 'class.example.org' }),
    ).toBe(true);
    expect(hostAllowed('10.0.0.5:4380', 4380, { listenHost: '0.0.0.0' })).toBe(true);
  });
});

describe('state-changing requests from other sites', () => {
  const host = '127.0.0.1:4321';
  it('accepts our own origin and non-browser clients', () => {
    expect(crossSiteReason({ host, origin: 'http://127.0.0.1:4321' })).toBeUndefined();
    expect(
      crossSiteReason({ host, origin: 'http://127.0.0.1:4321', fetchSite: 'same-origin' }),
    ).toBeUndefined();
    expect(crossSiteReason({ host })).toBeUndefined();
  });
  it('accepts Origin: null only when the browser says the request is same-origin', () => {
    expect(crossSiteReason({ host, origin: 'null', fetchSite: 'same-origin' })).toBeUndefined();
    expect(crossSiteReason({ host, origin: 'null' })).toBe('an opaque origin');
    expect(crossSiteReason({ host, origin: 'null', fetchSite: 'cross-site' })).toBeDefined();
  });
  it('refuses another origin, another port on localhost (same-site), and cross-site fetches', () => {
    expect(crossSiteReason({ host, origin: 'http://evil.example' })).toBe(
      'origin http://evil.example',
    );
    expect(crossSiteReason({ host, origin: 'http://127.0.0.1:3000', fetchSite: 'same-site' })).toBe(
      'a same-site request',
    );
    expect(crossSiteReason({ host, fetchSite: 'cross-site' })).toBe('a cross-site request');
  });
});

// Which Host headers name the sandbox. A web page can make the learner's browser send requests
// to 127.0.0.1 under a name it controls (DNS rebinding: `evil.example` first resolves to the
// attacker's server, then to 127.0.0.1, and the page reads the answers as same-origin). Such a
// request carries the attacker's name in Host, so the gateway answers only Hosts that cannot be
// rebound:
//   * an IP literal (127.0.0.1, [::1], the LAN address of a gateway bound to 0.0.0.0): rebinding
//     needs a DNS name;
//   * `localhost` and `<label>.localhost` (S3 virtual-hosted buckets): RFC 6761 §6.3 reserves
//     them for loopback and browsers resolve them without DNS
//     (https://www.rfc-editor.org/rfc/rfc6761#section-6.3);
//   * the name the gateway was told to listen on (`--host`), if it is a name.
// Any port: a browser sends the port it connected to, so a rebound page can only name this
// port anyway, and a port forward or a local proxy (SSH tunnel, a container's port mapping, the
// tests' rewriting proxy) legitimately names another.

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/i;
const LOCALHOST = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*localhost$/i;

export function isSandboxHost(hostHeader: string | undefined, own: { host?: string }): boolean {
  if (!hostHeader) return false;
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d{1,5})?$/.exec(hostHeader.trim());
  if (!m) return false;
  const name = m[1];
  if (IPV4.test(name) || IPV6.test(name) || LOCALHOST.test(name)) return true;
  return !!own.host && name.toLowerCase() === own.host.toLowerCase();
}

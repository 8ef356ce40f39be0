// TEMPORARY stand-in for sandbox/gateway/main.ts until the real gateway lands: forwards every
// request to the engine unchanged, answers 503 when the engine is down, and refuses the
// engine's private /_labrunner/* endpoints. Used by the lifecycle only when main.ts is absent.
import { createServer, request } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    engine: { type: 'string' },
    'state-dir': { type: 'string' },
  },
});
const engine = new URL(values.engine!);

const server = createServer((req, res) => {
  if (req.url?.startsWith('/_labrunner/')) {
    res.writeHead(404).end();
    return;
  }
  const up = request(
    {
      host: engine.hostname,
      port: engine.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
    },
    (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    },
  );
  up.on('error', () => {
    if (res.headersSent) return void res.destroy();
    res
      .writeHead(503, { 'content-type': 'text/plain' })
      .end('The sandbox engine is not running. Run: lab sandbox start\n');
  });
  req.pipe(up);
});
server.on('error', (e) => {
  console.error(`gateway: ${e.message}`);
  process.exit(3);
});
server.listen(Number(values.port), values.host, () => {
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : values.port;
  console.log(`ready http://${values.host}:${port}`);
});

// Entry point of the gateway process (spawned detached by `lab sandbox start`):
//   node sandbox/gateway/main.ts --host 127.0.0.1 --port 4566 --engine http://127.0.0.1:PORT --state-dir DIR \
//     --models <botocore's data directory>
// The engine's per-start secret comes in the environment (LAB_ENGINE_SECRET), never in argv,
// which every local user can read in `ps`; it is removed from the environment at once.
// Prints `ready <url>` on stdout once listening; exits 2 with a clear message on bad usage or a
// busy port. SIGTERM/SIGINT stop it cleanly (the activity log is flushed first).
import { parseArgs } from 'node:util';
import { createGateway } from './server.ts';

const USAGE =
  'usage: node sandbox/gateway/main.ts --port <port> --engine <url> --state-dir <dir> --models <botocore data dir> [--host 127.0.0.1]';

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '4566' },
        engine: { type: 'string' },
        'state-dir': { type: 'string' },
        models: { type: 'string' },
        // A class sandbox over several engines: each engine's URL, in shard order (./shards.ts).
        shard: { type: 'string', multiple: true },
      },
    }));
  } catch (err) {
    return fail(`${(err as Error).message}\n${USAGE}`);
  }
  const port = Number(values.port);
  if (
    !values.engine ||
    !values['state-dir'] ||
    !values.models ||
    !Number.isInteger(port) ||
    port < 0 ||
    port > 65535
  ) {
    return fail(USAGE);
  }
  const engineSecret = process.env.LAB_ENGINE_SECRET;
  delete process.env.LAB_ENGINE_SECRET;
  if (!engineSecret)
    return fail(`LAB_ENGINE_SECRET is not set (lab sandbox start sets it).\n${USAGE}`);
  let gateway;
  try {
    gateway = await createGateway({
      engineUrl: values.engine,
      host: values.host,
      port,
      stateDir: values['state-dir'],
      engineSecret,
      modelsDir: values.models,
      shardUrls: values.shard,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      return fail(
        `port ${port} on ${values.host} is already in use. Stop what uses it, or choose another port.`,
      );
    }
    return fail(e.message);
  }
  process.stdout.write(`ready ${gateway.url}\n`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Flush first: a client holding a connection open must not cost us activity records.
    void gateway.activity.flush();
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
    // Clients holding a connection open must not keep the process alive.
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function fail(message: string) {
  process.stderr.write(`labrunner gateway: ${message}\n`);
  process.exit(2);
}

await main();

import { defineCommand } from 'citty';

// `lab sandbox <sub>`: the local AWS sandbox (moto engine + gateway). One file per subcommand.
export default defineCommand({
  meta: {
    name: 'sandbox',
    description: 'The local AWS sandbox: start | stop | status | reset | env',
  },
  subCommands: {
    start: () => import('./sandbox/start.ts').then((m) => m.default),
    stop: () => import('./sandbox/stop.ts').then((m) => m.default),
    status: () => import('./sandbox/status.ts').then((m) => m.default),
    reset: () => import('./sandbox/reset.ts').then((m) => m.default),
    env: () => import('./sandbox/env.ts').then((m) => m.default),
  },
});

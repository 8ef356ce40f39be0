// esbuild plugins that make the runner's sources one script a V8 snapshot can hold (build.ts).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { LEFT_OUT as EXTERNAL } from './where.ts';

/**
 * Built-in modules the snapshot builder cannot hold (their bindings keep native state:
 * "global handle not serialized"). The SDK's HTTP handler loads them at the top but uses
 * them only per request: each becomes a stand-in that loads the real module on first use,
 * after the snapshot is deserialised. Reading a property while building yields a stand-in
 * too (`const { constants } = http2` at a module's top).
 */
const DEFERRED = /^(node:)?(http|https|http2|tls|sqlite)$/;

const deferredModule = (name: string) => {
  // Its export names, from this (building) process: bundles read them to copy the exports.
  const keys = Object.keys(createRequire(import.meta.url)(`node:${name}`) as object);
  return `
const building = () => require('node:v8').startupSnapshot.isBuildingSnapshot();
const keys = ${JSON.stringify(keys)};
let real;
const load = () => (real ??= require('node:${name}'));
// A property read while building: a stand-in for the value, callable and constructible.
const stand = (get) => new Proxy(function () {}, {
  get: (_, k) => (building() ? stand(() => get()[k]) : get()[k]),
  apply: (_, self, args) => Reflect.apply(get(), self, args),
  construct: (_, args) => Reflect.construct(get(), args),
});
// https.Agent before anything loaded https: \`x instanceof Agent\` (the SDK's handler asks it of
// the agent it is given) answers without loading it: nothing can be an instance yet.
const loaded = () => real || process.moduleLoadList?.includes('NativeModule ${name}');
const lazyAgent = new Proxy(function () {}, {
  get: (_, k) =>
    k === Symbol.hasInstance && !loaded() ? () => false : Reflect.get(load().Agent, k),
  construct: (_, args) => Reflect.construct(load().Agent, args),
});
module.exports = new Proxy({}, {
  get: (_, k) =>
    building()
      ? stand(() => load()[k])
      : ${JSON.stringify(name)} === 'https' && k === 'Agent' && !loaded()
        ? lazyAgent
        : load()[k],
  has: (_, k) => (building() ? keys.includes(k) : k in load()),
  ownKeys: () => (building() ? keys : Reflect.ownKeys(load())),
  getOwnPropertyDescriptor: (_, k) => {
    if (building()) return keys.includes(k) ? { configurable: true, enumerable: true, writable: true, value: undefined } : undefined;
    const d = Object.getOwnPropertyDescriptor(load(), k);
    if (d) d.configurable = true;
    return d;
  },
});
`;
};

/** The commands bundled (the snapshot's main sends the others to the sources). */
const COMMAND = /^\.\/commands\/([a-z-]+)\.ts$/;

export function snapshotPlugins(root: string, commands: string[]): Plugin[] {
  return [
    {
      name: 'labrunner-snapshot',
      setup(b) {
        b.onResolve({ filter: DEFERRED }, (a) =>
          // The stand-in's own require() of the real module stays a plain require.
          a.namespace === 'deferred'
            ? { path: a.path, external: true }
            : { path: a.path.replace(/^node:/, ''), namespace: 'deferred' },
        );
        b.onLoad({ filter: /.*/, namespace: 'deferred' }, (a) => ({
          contents: deferredModule(a.path),
          loader: 'js',
        }));
        const ext = new RegExp(
          `^(${EXTERNAL.map((e) => e.replace(/[/.]/g, '\\$&')).join('|')})(/|$)`,
        );
        b.onResolve({ filter: ext }, (a) => ({ path: a.path, namespace: 'external' }));
        // The snapshot's own `require` knows only built-ins: load from the checkout instead.
        b.onLoad({ filter: /.*/, namespace: 'external' }, (a) => ({
          contents: `if (require('node:v8').startupSnapshot.isBuildingSnapshot()) throw new Error(${JSON.stringify(`${a.path} is loaded while building the snapshot: bundle it or load it later`)});
(globalThis[Symbol.for('labrunner.snapshot.external')] ??= []).push(${JSON.stringify(a.path)});
module.exports = require('node:module').createRequire(${JSON.stringify(`${root}/package.json`)})(${JSON.stringify(a.path)});`,
          loader: 'js',
        }));
        b.onResolve({ filter: COMMAND }, (a) => {
          const name = COMMAND.exec(a.path)![1];
          if (!a.importer.endsWith('/runner/main.ts') || commands.includes(name)) return undefined;
          return { path: name, namespace: 'omitted' };
        });
        b.onLoad({ filter: /.*/, namespace: 'omitted' }, (a) => ({
          contents: `throw new Error('lab ${a.path} is not in the start-up snapshot');`,
          loader: 'js',
        }));
        // yoctocolors (the spinner's colours) decides at load, which would be the build's
        // terminal: it decides per call instead, with the same test (NO_COLOR, TERM, …).
        b.onLoad({ filter: /\/node_modules\/yoctocolors\/base\.js$/ }, async (a) => {
          const text = await readFile(a.path, 'utf8');
          const decide = 'const hasColors = tty?.WriteStream?.prototype?.hasColors?.() ?? false;';
          const format = 'const format = (open, close) => {';
          if (!text.includes(decide) || !text.includes(format)) {
            throw new Error(`${a.path}: expected "${decide}" and "${format}"`);
          }
          const patched = text
            .replace(
              decide,
              `const hasColorsNow = () => ${decide.slice(18, -1)};\nconst hasColors = true;`,
            )
            .replace(
              format,
              `const format = (open, close) => {\n\tconst on = formatOn(open, close);\n\treturn (input) => (hasColorsNow() ? on(input) : input + '');\n};\nconst formatOn = (open, close) => {`,
            );
          return { contents: patched, loader: 'js' };
        });
        // The checkout's TypeScript: import.meta.url becomes the file's own URL (a CommonJS
        // bundle has no import.meta), so paths found from it point into the checkout as before.
        b.onLoad({ filter: /\.ts$/ }, async (a) => {
          if (a.path.includes('/node_modules/')) return undefined;
          let text = await readFile(a.path, 'utf8');
          text = text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(a.path).href));
          if (a.path.endsWith('/runner/aws/clients.ts')) {
            // Its createRequire() loads the SDK packages lazily from node_modules; the global
            // `require` lets esbuild bundle them (still loaded on first use, in the snapshot).
            const line = 'const require = createRequire(import.meta.url);';
            const url = JSON.stringify(pathToFileURL(a.path).href);
            const was = line.replace('import.meta.url', url);
            if (!text.includes(was)) throw new Error(`${a.path}: expected "${line}"`);
            text = text.replace(was, '');
          }
          return { contents: text, loader: 'ts' };
        });
      },
    },
  ];
}

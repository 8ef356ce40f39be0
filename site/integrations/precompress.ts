// Precompress the built site: every compressible file of 1 KB or more gets a `.br` (Brotli at
// its highest quality) and a `.gz` beside it, once, at build time. `lab serve` sends those as
// they are (runner/serve/static.ts, serveStatic's `precompressed`), so no page load pays for
// compression and the smallest encoding costs nothing per request.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { AstroIntegration } from 'astro';

const COMPRESSIBLE = /\.(html|css|js|mjs|json|svg|txt|xml|map|webmanifest)$/;
const MIN_BYTES = 1024;

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(p);
    else if (entry.isFile()) yield p;
  }
}

/** Write `.br` and `.gz` beside every compressible file under `dir`; returns how many files. */
export function precompressDir(dir: string): number {
  let n = 0;
  for (const file of files(dir)) {
    if (!COMPRESSIBLE.test(file) || statSync(file).size < MIN_BYTES) continue;
    const body = readFileSync(file);
    writeFileSync(
      `${file}.br`,
      brotliCompressSync(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      }),
    );
    writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
    n++;
  }
  return n;
}

export default function precompress(): AstroIntegration {
  return {
    name: 'labrunner:precompress',
    hooks: {
      'astro:build:done': ({ dir, logger }) => {
        const n = precompressDir(fileURLToPath(dir));
        logger.info(`precompressed ${n} files (.br, .gz)`);
      },
    },
  };
}

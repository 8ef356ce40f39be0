// Serve the built site (dist/) as plain files: what `npm run build` deploys anywhere.
// @hono/node-server's serveStatic does the file work (types, ranges, no `..` escapes);
// this adds the cache policy and the trailing-slash redirect of directory URLs.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { AppEnv } from '../http/index.ts';

export function staticFiles(distDir: string): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // `/labs/day42` → `/labs/day42/`, so relative URLs in the page resolve as the build meant.
  app.get('*', async (c, next) => {
    const p = c.req.path;
    if (p.endsWith('/') || p.startsWith('/api/') || p.includes('..')) return next();
    // Never redirect to another site: `//labs` + `/` would be read by the browser as the
    // scheme-relative `//labs/`, the host "labs" (an open redirect, issue 16); browsers
    // also read `/\` as `//`.
    if (!/^\/[^/\\]/.test(p) || p.includes('\\')) return next();
    let dir = false;
    try {
      const full = join(distDir, decodeURIComponent(p));
      dir = full.startsWith(distDir) && existsSync(full) && statSync(full).isDirectory();
    } catch {
      return next();
    }
    if (!dir) return next();
    return c.redirect(p + '/' + (new URL(c.req.url).search ?? ''), 301);
  });
  app.get(
    '*',
    serveStatic({
      root: distDir,
      // `.br`/`.gz` made at build time (site/integrations/precompress.ts).
      precompressed: true,
      onFound: (path, c) => {
        // Content-hashed names never change; everything else is revalidated.
        const hashed = c.req.path.startsWith('/_astro/');
        c.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
        c.header('x-content-type-options', 'nosniff');
      },
    }),
  );
  return app;
}

// Serve the built site (dist/) as plain files: what `npm run build` deploys anywhere.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Handler } from './http.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.woff2': 'font/woff2',
};

async function file(p: string) {
  const s = await stat(p).catch(() => undefined);
  return s?.isFile() ? s : undefined;
}

export function staticFiles(distDir: string): Handler {
  const root = normalize(distDir + sep);
  return async (req, res, url) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (url.pathname.startsWith('/api/')) return false;
    let path: string;
    try {
      path = normalize(join(root, decodeURIComponent(url.pathname)));
    } catch {
      return false;
    }
    if (!path.startsWith(root) && path + sep !== root) return false; // `..` escapes dist/
    let s = await file(path);
    if (!s && (await stat(path).catch(() => undefined))?.isDirectory()) {
      if (!url.pathname.endsWith('/')) {
        res.writeHead(301, { location: url.pathname + '/' + url.search }).end();
        return true;
      }
      path = join(path, 'index.html');
      s = await file(path);
    }
    if (!s) return false;
    const hashed = url.pathname.startsWith('/_astro/'); // content-hashed names never change
    res.writeHead(200, {
      'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
      'content-length': s.size,
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(path).pipe(res);
    return true;
  };
}

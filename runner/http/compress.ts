// Compressed responses, chosen for speed: dynamic pages (the dashboard, reports, API answers)
// are made per request, so they get Zstandard at its fastest level where the browser takes it
// (Chromium sends `zstd` since 123), else Brotli at a fast quality, else gzip/deflate through
// hono/compress. Zstandard level 1 makes the whole-class JSON report (5.4 MB) in ~15 ms where
// Brotli 4 takes ~100 ms, and a smaller one (bench/README.md, "Dashboard at 1,000 learners"). Brotli's default quality (11, the only one
// CompressionStream offers) spent over a second on a 1,000-learner dashboard to save a few
// per cent over quality 4 (bench/README.md, "Dashboard at 1,000 learners"). Static files are
// precompressed at build time at the highest quality (site/integrations/precompress.ts) and
// served as they are: a response that already has a Content-Encoding is left alone.
// Event streams, ranges and tiny bodies stay as they are (hono/compress's own rules too).
import { Duplex } from 'node:stream';
import * as zlib from 'node:zlib';
import { constants, createBrotliCompress } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import { compress as honoCompress } from 'hono/compress';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/utils/compress';

/** Brotli quality for responses made per request: ~gzip's speed, smaller than gzip's output. */
export const DYNAMIC_BROTLI_QUALITY = 4;

function brotliStream(): ReadableWritablePair<Uint8Array, Uint8Array> {
  const z = createBrotliCompress({
    params: {
      [constants.BROTLI_PARAM_QUALITY]: DYNAMIC_BROTLI_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
    },
  });
  return Duplex.toWeb(z) as ReadableWritablePair<Uint8Array, Uint8Array>;
}

/** Zstandard level for responses made per request (1: the fastest of its regular levels). */
export const DYNAMIC_ZSTD_LEVEL = 1;

// Node >= 22.15 and 23.8 (zlib's Zstandard); older ones offer Brotli instead.
const createZstd = (zlib as { createZstdCompress?: (o: object) => Duplex }).createZstdCompress;

function zstdStream(): ReadableWritablePair<Uint8Array, Uint8Array> {
  const z = createZstd!({
    params: { [zlib.constants.ZSTD_c_compressionLevel]: DYNAMIC_ZSTD_LEVEL },
  });
  return Duplex.toWeb(z) as ReadableWritablePair<Uint8Array, Uint8Array>;
}

/** `zstd`, then `br`, as the client accepts them; undefined: hono's gzip/deflate. */
function chosen(accept: string): 'zstd' | 'br' | undefined {
  if (createZstd && /\bzstd\b/.test(accept)) return 'zstd';
  if (/\bbr\b/.test(accept)) return 'br';
  return undefined;
}

export function compress(): MiddlewareHandler {
  const fallback = honoCompress();
  return async (c, next) => {
    const encoding = chosen(c.req.header('accept-encoding') ?? '');
    if (!encoding) {
      return fallback(c, next);
    }
    await next();
    const res = c.res;
    const length = Number(res.headers.get('content-length') ?? Infinity);
    if (
      !res.body ||
      c.req.method === 'HEAD' ||
      res.status === 206 ||
      res.headers.has('content-encoding') ||
      res.headers.has('transfer-encoding') || // event streams
      length < 1024 ||
      !COMPRESSIBLE_CONTENT_TYPE_REGEX.test(res.headers.get('content-type') ?? '')
    ) {
      return;
    }
    const stream = encoding === 'zstd' ? zstdStream() : brotliStream();
    c.res = new Response(res.body.pipeThrough(stream), res);
    c.res.headers.delete('content-length');
    c.res.headers.set('content-encoding', encoding);
    c.res.headers.append('vary', 'Accept-Encoding');
  };
}

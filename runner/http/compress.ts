// Compressed responses, chosen for speed: dynamic pages (the dashboard, reports, API answers)
// are made per request, so they get Brotli at a fast quality where the browser takes it, else
// gzip/deflate through hono/compress. Brotli's default quality (11, the only one
// CompressionStream offers) spent over a second on a 1,000-learner dashboard to save a few
// per cent over quality 4 (bench/README.md, "Dashboard at 1,000 learners"). Static files are
// precompressed at build time at the highest quality (site/integrations/precompress.ts) and
// served as they are: a response that already has a Content-Encoding is left alone.
// Event streams, ranges and tiny bodies stay as they are (hono/compress's own rules too).
import { Duplex } from 'node:stream';
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

export function compress(): MiddlewareHandler {
  const fallback = honoCompress();
  return async (c, next) => {
    if (!/\bbr\b/.test(c.req.header('accept-encoding') ?? '')) {
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
    c.res = new Response(res.body.pipeThrough(brotliStream()), res);
    c.res.headers.delete('content-length');
    c.res.headers.set('content-encoding', 'br');
    c.res.headers.append('vary', 'Accept-Encoding');
  };
}

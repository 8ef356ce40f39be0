// Compressed responses: Brotli where the browser takes it and this Node has it in
// CompressionStream (Node 24), else gzip/deflate through hono/compress. Event streams,
// ranges and tiny bodies stay as they are (hono/compress's own rules apply to both).
import type { MiddlewareHandler } from 'hono';
import { compress as honoCompress } from 'hono/compress';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/utils/compress';

const BROTLI = (() => {
  try {
    new CompressionStream('brotli' as CompressionFormat);
    return true;
  } catch {
    return false;
  }
})();

export function compress(): MiddlewareHandler {
  const fallback = honoCompress();
  return async (c, next) => {
    if (!BROTLI || !/\bbr\b/.test(c.req.header('accept-encoding') ?? '')) {
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
    c.res = new Response(
      res.body.pipeThrough(new CompressionStream('brotli' as CompressionFormat)),
      res,
    );
    c.res.headers.delete('content-length');
    c.res.headers.set('content-encoding', 'br');
    c.res.headers.append('vary', 'Accept-Encoding');
  };
}

// Compression as a browser meets it: the built site's files go out precompressed (the very
// bytes made at build time, at Brotli's best quality, never squeezed again per request), and
// pages made per request (the dashboard) are compressed on the fly, intact once decoded.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync, zstdDecompressSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { compress } from '../../../runner/http/compress.ts';
import { staticFiles } from '../../../runner/serve/static.ts';
import { precompressDir } from '../../../site/integrations/precompress.ts';

// What Chromium sends.
const CHROMIUM = 'gzip, deflate, br, zstd';
const dir = mkdtempSync(join(tmpdir(), 'lab-compress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const page = `<!doctype html><title>x</title>${'<p>learner row</p>\n'.repeat(5000)}`;
writeFileSync(join(dir, 'index.html'), page);
writeFileSync(join(dir, 'tiny.css'), 'a{}');
precompressDir(dir);

function app() {
  const a = new Hono();
  a.use(compress());
  a.get('/dynamic', (c) => c.html(page));
  a.route('/', staticFiles(dir));
  return a;
}

describe('compression', () => {
  it('writes .br and .gz beside each built file of 1 KB or more, and leaves tiny ones alone', () => {
    expect(brotliDecompressSync(readFileSync(join(dir, 'index.html.br'))).toString()).toBe(page);
    expect(gunzipSync(readFileSync(join(dir, 'index.html.gz'))).toString()).toBe(page);
    expect(existsSync(join(dir, 'tiny.css.br'))).toBe(false);
  });

  it('serves the build-time bytes for Brotli and gzip, and the file itself without either', async () => {
    const a = app();
    const br = await a.request('/index.html', { headers: { 'accept-encoding': CHROMIUM } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('content-type')).toMatch(/^text\/html/);
    expect(Buffer.from(await br.arrayBuffer())).toEqual(readFileSync(join(dir, 'index.html.br')));
    const gz = await a.request('/index.html', { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(Buffer.from(await gz.arrayBuffer())).toEqual(readFileSync(join(dir, 'index.html.gz')));
    const plain = await a.request('/index.html', { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(page);
  });

  it('compresses a page made per request with Zstandard for Chromium, Brotli or gzip for others, intact', async () => {
    const a = app();
    const zs = await a.request('/dynamic', { headers: { 'accept-encoding': CHROMIUM } });
    expect(zs.headers.get('content-encoding')).toBe('zstd');
    expect(zs.headers.get('vary')).toBe('Accept-Encoding');
    const zbytes = Buffer.from(await zs.arrayBuffer());
    expect(zbytes.length).toBeLessThan(page.length / 20);
    expect(zstdDecompressSync(zbytes).toString()).toBe(page);
    // A browser without Zstandard (Firefox before 126, Safari): Brotli at a fast quality.
    const br = await a.request('/dynamic', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    const bytes = Buffer.from(await br.arrayBuffer());
    expect(bytes.length).toBeLessThan(page.length / 20);
    expect(brotliDecompressSync(bytes).toString()).toBe(page);
    const gz = await a.request('/dynamic', { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(page);
  });
});

// i. A chunked S3 upload must be well formed before the engine decodes it. With a streaming
// payload (`X-Amz-Content-SHA256: STREAMING-…`) the body is a series of chunks,
// `<hex size>;chunk-signature=<64 hex>\r\n<data>\r\n`, ending with a zero-size chunk (then
// trailers, for the -TRAILER forms), and "for all requests, you must include the
// x-amz-decoded-content-length header, specifying the size of the object in bytes"
// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html). moto 5.2.1 reads that
// header unguarded and decodes the chunks without checking their framing: either mistake was a
// 500. S3 answers a missing length, or chunks whose signatures it cannot read, as a request it
// cannot verify, 403 SignatureDoesNotMatch (observed against S3 by versity/versitygw, pull
// request #1088), and chunks that do not add up to the stated length with 400 IncompleteBody
// (versity/versitygw issue #1684, with S3's answer).
import type { AwsError } from '../envelope.ts';
import type { PreCheck } from './types.ts';

const CANNOT_VERIFY: AwsError = {
  status: 403,
  code: 'SignatureDoesNotMatch',
  message:
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
};

export const s3DecodedLength: PreCheck = ({ req }) => {
  if (req.service !== 's3') return undefined;
  const stated = String(req.headers['x-amz-content-sha256'] ?? '').toUpperCase();
  if (!stated.startsWith('STREAMING-')) return undefined;
  const header = req.headers['x-amz-decoded-content-length'];
  if (typeof header !== 'string' || !/^\d{1,15}$/.test(header.trim())) return CANNOT_VERIFY;
  const decoded = decodedSize(req.body, !stated.includes('UNSIGNED'));
  if (decoded === undefined) return CANNOT_VERIFY;
  if (decoded !== Number(header.trim())) {
    return {
      status: 400,
      code: 'IncompleteBody',
      message:
        'You did not provide the number of bytes specified by the Content-Length HTTP header',
    };
  }
  return undefined;
};

/** The data size of an aws-chunked body, or undefined if its framing is broken. */
function decodedSize(body: Buffer, signed: boolean): number | undefined {
  const line = signed
    ? /^([0-9a-fA-F]{1,8});chunk-signature=[0-9a-f]{64}$/
    : /^([0-9a-fA-F]{1,8})$/;
  let at = 0;
  let total = 0;
  for (;;) {
    const end = body.indexOf('\r\n', at);
    if (end < 0) return undefined;
    const m = line.exec(body.toString('latin1', at, end));
    if (!m) return undefined;
    const size = parseInt(m[1], 16);
    at = end + 2;
    if (size === 0) return total; // what follows is trailers, which the engine reads itself
    if (
      at + size + 2 > body.length ||
      body.toString('latin1', at + size, at + size + 2) !== '\r\n'
    ) {
      return undefined;
    }
    total += size;
    at += size + 2;
  }
}

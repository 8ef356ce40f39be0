// Every payload the class API accepts, as zod schemas. The schema is the
// documentation (docs/class-api.md repeats it for humans); `validate` turns a
// zod error into a 400 that names the field path.
import { z } from 'zod';
import { LabError } from '../errors.ts';

const id = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase id: a-z 0-9 . _ -');
// Text is judged and normalised here, at the API boundary, so both stores hold the same thing:
// PostgreSQL refuses NUL in text (a 500 that blocked a learner's outbox for good) where SQLite
// keeps it, and a bidi override (U+202E) or another control character in a name would reorder
// or hide what an instructor reads in a terminal or on the dashboard.
/** C0 and C1 controls and DEL. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Bidi embeddings, overrides and isolates (Unicode UAX #9 §2), plus the marks LRM/RLM/ALM. */
export const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const BIDI_ALL = new RegExp(BIDI.source, 'g');
/**
 * Characters that show as nothing (zero-width space/joiners, word joiner, invisible
 * operators, soft hyphen, BOM, Mongolian vowel separator, Hangul fillers) and the line and
 * paragraph separators U+2028/U+2029: in a name they let one learner look exactly like
 * another, or break a report's line (issue 16).
 */
export const INVISIBLE =
  /[\u00ad\u115f\u1160\u180e\u200b-\u200d\u2028\u2029\u2060-\u2064\u3164\ufeff\uffa0]/;
/** A UTF-16 surrogate without its pair (JSON can carry one; no store can hold it as text). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** Controls except tab and newline, which evidence may hold. */
const TEXT_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Free text (evidence, hints): NFC, well-formed, controls and bidi marks shown as U+FFFD. */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .transform((s) =>
      s
        .replace(LONE_SURROGATE, '\ufffd')
        .normalize('NFC')
        .replace(TEXT_CONTROL, '\ufffd')
        .replace(BIDI_ALL, '\ufffd'),
    );
/**
 * A display name: NFC (so "é" typed two ways is one name), printable, no control, bidi,
 * invisible or line-separator characters, 1–80 characters.
 */
const displayName = z
  .string()
  .trim()
  .refine((s) => !new RegExp(LONE_SURROGATE.source).test(s), 'must be well-formed Unicode')
  .transform((s) => s.normalize('NFC'))
  .pipe(
    z
      .string()
      .min(1, 'must not be empty')
      .max(80, 'must be at most 80 characters')
      .refine((s) => !CONTROL.test(s), 'must not contain control characters')
      .refine((s) => !BIDI.test(s), 'must not contain bidirectional control characters')
      .refine(
        (s) => !INVISIBLE.test(s),
        'must not contain invisible characters (zero-width spaces or joiners) or line separators: type the name with visible letters only',
      ),
  );

export const CreateClassIn = z.strictObject({
  /** The class's name, shown on the dashboard. */
  name: displayName,
});

export const JoinIn = z.strictObject({
  /** The join code the instructor handed out (case, spaces and dashes ignored). */
  code: z
    .string()
    .min(4)
    .max(40)
    .regex(/^[\x20-\x7e]+$/, 'letters, digits and dashes'),
  /** How the learner appears in reports. */
  name: displayName,
  /** The learner's IAM user in a shared class account (for `lab report --verify`). */
  iamUser: z
    .string()
    .regex(/^[\w+=,.@-]{1,64}$/, 'an IAM user name')
    .optional(),
});

export const ResultIn = z.strictObject({
  /** Idempotency key: the same key from the same learner is counted once. */
  key: z.string().regex(/^[\x21-\x7e]{8,200}$/, '8–200 printable ASCII characters'),
  /** Lab id, e.g. day42. */
  lab: id,
  /** Step id, e.g. create-key. */
  step: id,
  status: z.enum(['passed', 'failed', 'pending', 'not-tried']),
  /** What the check saw (never a secret). */
  evidence: text(2000).optional(),
  hint: text(2000).optional(),
  /** When the check ran, milliseconds since the epoch. */
  at: z.number().int().min(0).max(8.64e15),
  /**
   * A knowledge-check answer (`lab quiz`, the page's quiz form), not a step's check: `step`
   * is the question id, `status` passed when right, `evidence` the answer given.
   */
  quiz: z.literal(true).optional(),
});
export type ResultIn = z.infer<typeof ResultIn>;

export const ResultsIn = z.strictObject({
  /** Up to 500 results per request (the outbox sends its queue in batches). */
  results: z.array(ResultIn).min(1).max(500),
});

export const ReportQuery = z.strictObject({
  lab: id.optional(),
  format: z.enum(['json', 'csv', 'html']).default('json'),
});

/** Parse `input` or throw a 400-worthy LabError naming the first bad field. */
export function validate<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(body)',
    message: i.message,
  }));
  const first = issues[0];
  const err = new LabError(
    'invalid_payload',
    `${first.path}: ${first.message}`,
    'See docs/class-api.md for the payload format.',
  );
  (err as LabError & { issues?: unknown }).issues = issues;
  throw err;
}

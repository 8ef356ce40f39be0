// The frontmatter of a lab's README.md: one schema, read by the runner (`lab list`,
// `lab dev check`, cleanup of expired labs) and by the site (index page, lab pages).
// Each field has a one-line doc comment; that comment is the reference for authors
// (docs/lab-format.md repeats it with examples).
import { z } from 'zod';

/** Lowercase words joined by hyphens: `day42`, `create-key`. Used for lab ids and step ids. */
export const ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const id = z.string().regex(ID_PATTERN, {
  message: 'must be lowercase letters, digits and single hyphens (like `day42` or `create-key`)',
});

const text = z.string().trim().min(1, { message: 'must not be empty' });

export const labMetaSchema = z.strictObject({
  /** Stable id used on the command line (`lab check day42`); must equal the lab's folder name. */
  id,
  /** Title shown on the lab page and in `lab list`. */
  title: text,
  /** One or two sentences for the lab index: what the learner will do and learn. */
  summary: text.max(300, { message: 'must be at most 300 characters' }),
  /** Estimated time to complete the lab, in minutes. */
  minutes: z.int().positive(),
  /** How much prior AWS experience the lab assumes. */
  level: z.enum(['beginner', 'intermediate', 'advanced']).default('beginner'),
  /** AWS services the lab touches, as AWS names them (`IAM`, `EC2`, `STS`). */
  services: z.array(text).min(1, { message: 'must list at least one service' }),
  /** What the learner's own identity must be allowed to do for the lab (one line each). */
  permissions: z.array(text).min(1, { message: 'must list at least one permission' }),
  /** What the lab costs on a real AWS account (the sandbox is always free). */
  cost: text,
  /** What the learner should know or have done first: lab ids or short phrases. */
  prerequisites: z.array(text).default([]),
  /** Where the lab can run: the local sandbox, a real AWS account, or both. */
  targets: z
    .array(z.enum(['sandbox', 'aws']))
    .min(1)
    .default(['sandbox', 'aws']),
  /** The AWS region the instructions use (the runner checks in this region). */
  region: z
    .string()
    .regex(/^[a-z]{2}(?:-[a-z]+)+-\d$/, { message: 'must be an AWS region like `ap-southeast-2`' })
    .default('us-east-1'),
  /** After this many minutes a started lab counts as expired for `lab cleanup --expired`. */
  timeLimitMinutes: z.int().positive().default(120),
  /** Free-form keywords for the lab index. */
  tags: z.array(text).default([]),
  /** Position in the course: `lab list` and the site list labs by it, lower first; labs without it come after, by id. */
  order: z.int().positive().optional(),
});

/** Validated frontmatter, with defaults filled in. */
export type LabMeta = z.output<typeof labMetaSchema>;
/** Frontmatter as an author may write it (defaulted fields optional). */
export type LabMetaInput = z.input<typeof labMetaSchema>;

// Kept beside the error mapping so that it loads without zod.
export { FIELD_EXAMPLES } from './fields.ts';

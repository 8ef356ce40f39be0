// Where the sandbox lives inside a lab home. The caller (the runner) decides the lab home; the
// sandbox only knows its own folder inside it.
import { join } from 'node:path';

/** An environment to read variables from (process.env by default). */
export type Env = Record<string, string | undefined>;

/** The sandbox's own directory inside the lab home. */
export function sandboxHome(home: string): string {
  return join(home, 'sandbox');
}

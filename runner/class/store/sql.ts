// One SQL dialect for both stores. Statements are written with `?` placeholders
// (SQLite's) and translated to `$1, $2, …` for PostgreSQL, so the two stores run
// the very same statements: parameterized only, never string-built values.

/** The few things the class store needs from a database driver. */
export interface Sql {
  readonly kind: 'sqlite' | 'postgres';
  /** Rows of a SELECT (or of an INSERT … RETURNING). */
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Rows of a SELECT as arrays of column values, in SELECT order. For big reads: both
   * drivers build an array far faster than an object with named properties.
   */
  arrays<T extends unknown[]>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Run a statement; returns the number of rows it changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
  /** Run several DDL statements (no parameters). */
  exec(sql: string): Promise<void>;
  /** Run `fn` in one transaction on one connection; it commits when `fn` resolves. */
  tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `?` → `$n`, skipping quoted strings (the class SQL never puts `?` in a literal, but be exact). */
export function toDollar(sql: string): string {
  let n = 0;
  let out = '';
  let quoted = false;
  for (const ch of sql) {
    if (ch === "'") quoted = !quoted;
    out += ch === '?' && !quoted ? `$${++n}` : ch;
  }
  return out;
}

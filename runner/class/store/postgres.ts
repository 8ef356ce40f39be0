// PostgreSQL driver for the class store (used when DATABASE_URL is set), via
// `pg`. Same statements as SQLite, placeholders translated to $n. BIGINT and
// NUMERIC come back from pg as strings by default; the class store only holds
// counts and millisecond times, well inside Number's exact range.
import pg from 'pg';
import { toDollar, type Sql } from './sql.ts';

const NUMERIC_OIDS = new Set([20, 1700]); // int8, numeric

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    NUMERIC_OIDS.has(oid)
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

type Queryable = pg.Pool | pg.PoolClient;

function over(q: Queryable, tx: Sql['tx'], close: Sql['close']): Sql {
  return {
    kind: 'postgres',
    all: async <T>(sql: string, params: unknown[] = []) =>
      (await q.query(toDollar(sql), params)).rows as T[],
    arrays: async <T extends unknown[]>(sql: string, params: unknown[] = []) =>
      (await q.query({ text: toDollar(sql), values: params, rowMode: 'array' })).rows as T[],
    run: async (sql: string, params: unknown[] = []) =>
      (await q.query(toDollar(sql), params)).rowCount ?? 0,
    exec: async (sql: string) => void (await q.query(sql)),
    tx,
    close,
  };
}

export function openPostgres(connectionString: string, max = 20): Sql {
  const pool = new pg.Pool({ connectionString, max, types });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => {});
  const tx: Sql['tx'] = async (fn) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const inner = over(
        client,
        (f) => f(inner),
        async () => {},
      );
      const out = await fn(inner);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  };
  return over(pool, tx, () => pool.end());
}

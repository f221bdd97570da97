import { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in one transaction on one pooled connection: committed when it resolves, rolled back when it throws.
 * `repeatable read` gives the whole transaction one snapshot (PostgreSQL's default is read committed).
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  isolation?: 'repeatable read',
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(isolation ? `begin isolation level ${isolation}` : 'begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

import { createHash } from 'node:crypto';
import type { QueryConfig } from 'pg';

const names = new Map<string, string>();

/**
 * A query that node-postgres prepares once per connection and then only binds and executes: the server parses
 * (and, after a few runs, plans) the statements of the dispatch path once instead of on every intake. The name is
 * derived from the text, so two texts never share a name and the same text always has one.
 */
export function prepared(text: string, values: unknown[]): QueryConfig {
  let name = names.get(text);
  if (!name) {
    name = `gh_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    // The texts are a small fixed set (made by code, never by input); the bound keeps a mistake from growing it.
    if (names.size > 1000) names.clear();
    names.set(text, name);
  }
  return { name, text, values };
}

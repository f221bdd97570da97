import { applyDecorators } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { z } from 'zod';

/**
 * Response schemas, one source of truth: a zod schema gives both the OpenAPI schema a route declares
 * (`@ApiOk(schema)`) and the type its presenter returns (`z.infer<typeof schema>`); where `@gridhub/contracts`
 * holds the wire type, the schema is checked against it at compile time (`Same<…>`). The contract test
 * (hub/test/openapi.e2e.test.ts) validates real responses against the document.
 */
type SchemaObject = Exclude<Parameters<typeof ApiOkResponse>[0], undefined> extends infer O ? (O extends { schema?: infer S } ? NonNullable<S> : never) : never;

export function openApiSchema(schema: z.ZodType): SchemaObject {
  const { $schema: _, ...out } = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  return nullableEnums(out) as SchemaObject;
}

/** OpenAPI 3.0: a nullable enum lists null among its values, or validators refuse null. */
function nullableEnums(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableEnums);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = nullableEnums(value);
  if (out['nullable'] === true && Array.isArray(out['enum']) && !out['enum'].includes(null)) out['enum'] = [...out['enum'], null];
  return out;
}

/** 200 with this body. */
export const ApiOk = (schema: z.ZodType, description?: string) =>
  applyDecorators(ApiOkResponse({ schema: openApiSchema(schema), ...(description ? { description } : {}) }));

/** 201 with this body (a POST without `@HttpCode`). */
export const ApiCreated = (schema: z.ZodType, description?: string) =>
  applyDecorators(ApiCreatedResponse({ schema: openApiSchema(schema), ...(description ? { description } : {}) }));

/** A Date as the API writes it (ISO 8601); null stays null. */
export function iso(d: Date): string;
export function iso(d: Date | null): string | null;
export function iso(d: Date | null): string | null {
  return d ? new Date(d).toISOString() : null;
}

/** An ISO 8601 instant as the API writes dates. */
export const isoTime = z.string().meta({ format: 'date-time' });

/** `{ items, total }`: a page or a whole list. */
export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().int() });

/** Compile-time check that two types are the same: `const _: Same<A, B> = true`. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export { z };

/** 200 with a body of another media type (XML, Atom, CSV, Prometheus text): a string. */
export const ApiText = (mediaType: string, description: string) =>
  applyDecorators(ApiOkResponse({ description, content: { [mediaType]: { schema: { type: 'string' } } } }));

/** 200 with this JSON body, or the same data as another media type (a `format=csv` export): a string. */
export const ApiOkOrText = (schema: z.ZodType, mediaType: string, description: string) =>
  applyDecorators(ApiOkResponse({ description, content: { 'application/json': { schema: openApiSchema(schema) }, [mediaType]: { schema: { type: 'string' } } } }));

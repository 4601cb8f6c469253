/**
 * `docs/openapi.yaml` against the code it documents, so the two cannot drift: the request
 * schemas are converted from the valibot schemas the handlers validate with, the problem codes
 * and statuses come from the problem catalogue.
 */
import { readFileSync } from 'node:fs';
import { toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ACCEPTED_MESSAGE } from '../../lambda/forgot-password/accepted';
import {
  PROBLEM_CATALOG,
  type ProblemCode,
  problemDocument,
} from '../../lambda/shared/problem-catalog';
import {
  CODE_POINTS_ACTION,
  ConfirmForgotPasswordRequestSchema,
  ForgotPasswordRequestSchema,
} from '../../lambda/shared/request-schema';

type Json = Record<string, unknown>;

const document = parse(
  readFileSync(new URL('../../docs/openapi.yaml', import.meta.url), 'utf8'),
) as Json;
const components = document.components as { schemas: Record<string, Json> };

/** The valibot schema as JSON Schema 2020-12, code-point lengths and unicode patterns included. */
function jsonSchemaOf(schema: v.GenericSchema): Json {
  const converted = toJsonSchema(schema, {
    target: 'draft-2020-12',
    overrideAction: ({ valibotAction, jsonSchema }) => {
      if (valibotAction.type === CODE_POINTS_ACTION) {
        const { min, max } = valibotAction as unknown as { min: number; max: number };
        return { ...jsonSchema, minLength: min, maxLength: max };
      }
      if (valibotAction.type === 'regex') {
        return {
          ...jsonSchema,
          pattern: (valibotAction as unknown as { requirement: RegExp }).requirement.source,
        };
      }
      return undefined;
    },
  }) as Json;
  delete converted.$schema;
  return converted;
}

/** The documented schema with `$ref`s inlined and prose (`description`) dropped. */
function resolved(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(resolved);
  if (typeof node !== 'object' || node === null) return node;
  const object = node as Json;
  if (typeof object.$ref === 'string') {
    const name = object.$ref.replace('#/components/schemas/', '');
    return resolved(components.schemas[name]);
  }
  return Object.fromEntries(
    Object.entries(object)
      .filter(([key]) => key !== 'description')
      .map(([key, value]) => [key, resolved(value)]),
  );
}

function responsesOf(path: string): Record<string, Json> {
  const paths = document.paths as Record<string, { post: { responses: Record<string, Json> } }>;
  const operation = paths[path];
  if (!operation) throw new Error(`${path} is not documented`);
  return operation.post.responses;
}

describe('request schemas', () => {
  it.each([
    ['ForgotPasswordRequest', ForgotPasswordRequestSchema],
    ['ConfirmForgotPasswordRequest', ConfirmForgotPasswordRequestSchema],
  ] as const)('%s is exactly the schema the handler validates with', (name, schema) => {
    expect(resolved(components.schemas[name])).toEqual(jsonSchemaOf(schema));
  });
});

describe('problem codes', () => {
  it('documents exactly the codes of the catalogue', () => {
    const documented = (components.schemas.ProblemCode as { enum: string[] }).enum;
    expect([...documented].sort()).toEqual(Object.keys(PROBLEM_CATALOG).sort());
  });

  it.each([
    [
      '/password/forgot',
      [
        'MALFORMED_JSON',
        'VALIDATION_FAILED',
        'UNSUPPORTED_MEDIA_TYPE',
        'PAYLOAD_TOO_LARGE',
        'TOO_MANY_REQUESTS',
        'FORBIDDEN',
        'DELIVERY_FAILED',
        'SERVICE_UNAVAILABLE',
        'UPSTREAM_TIMEOUT',
        'METHOD_NOT_ALLOWED',
        'INTERNAL',
      ],
    ],
    [
      '/password/confirm',
      [
        'MALFORMED_JSON',
        'VALIDATION_FAILED',
        'UNSUPPORTED_MEDIA_TYPE',
        'PAYLOAD_TOO_LARGE',
        'INVALID_CODE',
        'INVALID_PASSWORD',
        'PASSWORD_REUSED',
        'TOO_MANY_REQUESTS',
        'FORBIDDEN',
        'PASSWORD_RESET_INCOMPLETE',
        'SERVICE_UNAVAILABLE',
        'UPSTREAM_TIMEOUT',
        'METHOD_NOT_ALLOWED',
        'INTERNAL',
      ],
    ],
  ])('%s documents each code it can answer under the catalogue status', (path, expected) => {
    const responses = responsesOf(path);
    const documented: string[] = [];
    for (const [status, response] of Object.entries(responses)) {
      const codes = (response['x-problem-codes'] ?? []) as ProblemCode[];
      for (const code of codes)
        expect(`${code} ${PROBLEM_CATALOG[code].status}`).toBe(`${code} ${status}`);
      documented.push(...codes);
    }
    expect(documented.sort()).toEqual([...expected].sort());
  });

  it('documents Retry-After where the answer invites a retry', () => {
    for (const path of ['/password/forgot', '/password/confirm']) {
      const responses = responsesOf(path);
      for (const status of ['429', '503']) {
        expect(responses[status]?.headers).toHaveProperty('Retry-After');
      }
    }
  });
});

describe('answer bodies', () => {
  it('Problem lists exactly the members of a problem document', () => {
    const problem = components.schemas.Problem as { properties: Json; required: string[] };
    const sample = problemDocument('INVALID_CODE', 'id');
    expect(Object.keys(problem.properties).sort()).toEqual(Object.keys(sample).sort());
    expect([...problem.required].sort()).toEqual(Object.keys(sample).sort());
  });

  it('ValidationProblem adds the errors list', () => {
    const problem = components.schemas.ValidationProblem as { properties: Json };
    const sample = problemDocument('VALIDATION_FAILED', 'id', {
      errors: [{ field: 'username', message: 'x' }],
    });
    expect(Object.keys(problem.properties).sort()).toEqual(Object.keys(sample).sort());
  });

  it('the 202 message is the one the handler sends', () => {
    const accepted = components.schemas.ForgotPasswordAccepted as {
      properties: { message: { const: string } };
    };
    expect(accepted.properties.message.const).toBe(ACCEPTED_MESSAGE);
  });

  it('is OpenAPI 3.1', () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
  });
});

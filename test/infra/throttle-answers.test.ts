/**
 * Issue 11 item 5: a 429 has one shape wherever it comes from: the function (Cognito's quota),
 * API Gateway's stage throttling and usage quota, or the WAF rate rule. A caller (or an attacker)
 * must not learn from the answer's form which layer refused it. Two differences are WAF's own and
 * cannot be closed: WAF substitutes no request id, and it can send no `Retry-After` (it prefixes
 * every custom header with `x-amzn-waf-`) nor `application/problem+json`.
 */
import {
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  ForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { invoke, json, loadHandler, secretString, validBody } from '../api/support';
import { synthesize } from './synth';
import { resourcesOfType } from './template-queries';

const cognito = mockClient(CognitoIdentityProviderClient);
const secretsManager = mockClient(SecretsManagerClient);

type Body = Record<string, unknown>;
const bodies: Record<string, Body> = {};
const retryAfter: Record<string, unknown> = {};

/** The document with its request id taken out: the one part that differs per request. */
function withoutRequestId(body: Body): Body {
  const { requestId: _, ...rest } = body;
  return rest;
}

beforeAll(async () => {
  // The function, passing on Cognito's quota
  secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString() });
  cognito.on(ForgotPasswordCommand).rejects(
    new CognitoIdentityProviderServiceException({
      name: 'TooManyRequestsException',
      message: 'Rate exceeded',
      $fault: 'client',
      $metadata: { httpStatusCode: 429 },
    }),
  );
  const handler = await loadHandler('forgot-password');
  const { result } = await invoke(handler, { body: validBody('forgot-password') });
  expect(result.statusCode).toBe(429);
  bodies.function = json(result);
  retryAfter.function = result.headers?.['Retry-After'];

  // API Gateway and WAF, as deployed
  const { template } = synthesize();
  for (const response of Object.values(
    resourcesOfType(template, 'AWS::ApiGateway::GatewayResponse'),
  )) {
    const properties = response.Properties as {
      ResponseType: string;
      ResponseTemplates: Record<string, string>;
      ResponseParameters: Record<string, string>;
    };
    if (properties.ResponseType === 'THROTTLED' || properties.ResponseType === 'QUOTA_EXCEEDED') {
      bodies[properties.ResponseType] = JSON.parse(
        properties.ResponseTemplates['application/json'] ?? '',
      ) as Body;
      retryAfter[properties.ResponseType] =
        properties.ResponseParameters['gatewayresponse.header.Retry-After'];
    }
  }
  const acls = Object.values(resourcesOfType(template, 'AWS::WAFv2::WebACL'));
  expect(acls).toHaveLength(1);
  const properties = acls[0]?.Properties as {
    CustomResponseBodies: Record<string, { Content: string }>;
  };
  const waf = properties.CustomResponseBodies.TooManyRequests;
  bodies.WAF = JSON.parse(waf?.Content ?? '') as Body;
});

describe('a 429 from any layer', () => {
  it('is found for every layer', () => {
    expect(Object.keys(bodies).sort()).toEqual(['QUOTA_EXCEEDED', 'THROTTLED', 'WAF', 'function']);
  });

  it.each(['THROTTLED', 'QUOTA_EXCEEDED', 'WAF'])(
    'has the same problem document from %s as from the function',
    (layer) => {
      expect(withoutRequestId(bodies[layer] ?? {})).toEqual(
        withoutRequestId(bodies.function ?? {}),
      );
      expect(Object.keys(bodies[layer] ?? {}).sort()).toEqual(
        Object.keys(bodies.function ?? {}).sort(),
      );
    },
  );

  it('tells the caller when to retry, from the function and from API Gateway alike', () => {
    expect(retryAfter.function).toBe('5');
    expect(retryAfter.THROTTLED).toBe("'5'");
    expect(retryAfter.QUOTA_EXCEEDED).toBe("'5'");
  });
});

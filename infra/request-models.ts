/**
 * JSON Schema (draft 4, what API Gateway validates with) of the two request bodies (contract
 * section 1). The gateway checks the shape only: types, required fields, unknown fields, and the
 * lengths of fields that are not secret. API Gateway quotes the offending value in a rejection
 * message, so `password`, `code` and `encodedData` are checked for type only; the functions
 * validate them fully without ever echoing them.
 */
import type { JsonSchema } from 'aws-cdk-lib/aws-apigateway';
import { JsonSchemaType, JsonSchemaVersion } from 'aws-cdk-lib/aws-apigateway';

const string = (minLength?: number, maxLength?: number): JsonSchema => ({
  type: JsonSchemaType.STRING,
  ...(minLength === undefined ? {} : { minLength }),
  ...(maxLength === undefined ? {} : { maxLength }),
});

/** Type only: a length or pattern rejection would quote the value. */
const secretString = (): JsonSchema => ({ type: JsonSchemaType.STRING });

const commonProperties: Record<string, JsonSchema> = {
  username: string(1, 128),
  clientMetadata: {
    type: JsonSchemaType.OBJECT,
    maxProperties: 10,
    additionalProperties: string(0, 1024),
  },
  encodedData: secretString(),
  analyticsEndpointId: string(1, 1024),
};

/** Body of `POST /password/forgot`. */
export const FORGOT_PASSWORD_MODEL: JsonSchema = {
  schema: JsonSchemaVersion.DRAFT4,
  title: 'ForgotPasswordRequest',
  type: JsonSchemaType.OBJECT,
  required: ['username'],
  additionalProperties: false,
  properties: commonProperties,
};

/** Body of `POST /password/confirm`. */
export const CONFIRM_FORGOT_PASSWORD_MODEL: JsonSchema = {
  schema: JsonSchemaVersion.DRAFT4,
  title: 'ConfirmForgotPasswordRequest',
  type: JsonSchemaType.OBJECT,
  required: ['username', 'code', 'password'],
  additionalProperties: false,
  properties: { ...commonProperties, code: secretString(), password: secretString() },
};

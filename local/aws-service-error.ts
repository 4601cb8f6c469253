/** An error a local AWS endpoint answers with, named as the real service names it. */
export class AwsServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
    /** Further members of the error body (DynamoDB's `Item` of a failed condition). */
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'AwsServiceError';
  }
}

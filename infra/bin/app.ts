/** Entry point of `cdk.json`'s `app`: builds the app (see ../app.ts) and synthesizes it. */
import { createApp } from '../app';
import { ConfigurationError } from '../config';

try {
  createApp().app.synth();
} catch (error) {
  // A wrong context value is the operator's to fix: say which key, without a stack trace.
  if (!(error instanceof ConfigurationError)) throw error;
  console.error(error.message);
  process.exit(1);
}

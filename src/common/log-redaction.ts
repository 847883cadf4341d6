/**
 * A run of 16+ numbers in brackets is a face vector (pgvector's text form), as a database error
 * may quote it back; long base64 runs may be image bytes. Neither may reach a log line.
 */
const VECTOR_TEXT = /\[\s*-?[\d.eE+-]+(\s*,\s*-?[\d.eE+-]+){15,}[^\]]*\]?/g;
const LONG_BASE64 = /[A-Za-z0-9+/]{200,}={0,2}/g;

/** The text with anything that looks like biometric data replaced; for error messages and stacks. */
export function redactBiometrics(text: string): string {
  return text.replace(VECTOR_TEXT, '[vector redacted]').replace(LONG_BASE64, '[data redacted]');
}

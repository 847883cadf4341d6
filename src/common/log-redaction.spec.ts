import { redactBiometrics } from './log-redaction.js';

describe('redactBiometrics', () => {
  it('removes a vector quoted in a database error, keeping the rest of the message', () => {
    const vector = `[${Array.from({ length: 512 }, (_, i) => (Math.sin(i) / 10).toFixed(6)).join(',')}]`;
    const message = `invalid input syntax for type vector: "${vector}" at character 42`;
    const redacted = redactBiometrics(message);
    expect(redacted).toBe('invalid input syntax for type vector: "[vector redacted]" at character 42');
  });

  it('removes long base64 runs and leaves ordinary text, ids and short lists alone', () => {
    const base64 = Buffer.alloc(600, 7).toString('base64');
    expect(redactBiometrics(`bytes ${base64} end`)).toBe('bytes [data redacted] end');
    const ordinary = 'user 2b1c9c1e-4a0e-4a47-9d61-0f5d3c1f3b9e failed at [1, 2, 3] in /app/src/x.ts:10:5';
    expect(redactBiometrics(ordinary)).toBe(ordinary);
  });
});

// A Jest environment for tests that run ONNX Runtime. Jest gives each test file its own realm,
// with its own Float32Array; onnxruntime-node's native code builds output tensors with the
// main realm's Float32Array, which then fails `instanceof` checks in the test realm
// ("A float32 tensor's data must be type of function Float32Array()"). Sharing the main
// realm's typed-array constructors makes both sides agree. Use with the docblock
//   /** @jest-environment ./test/support/shared-typed-arrays.environment.mjs */
import { TestEnvironment } from 'jest-environment-node';

const TYPED_ARRAYS = [
  'ArrayBuffer', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

export default class SharedTypedArraysEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED_ARRAYS) this.global[name] = globalThis[name];
  }
}

// ESM Jest: Nest 12 ships ESM only, so tests run under `node --experimental-vm-modules`.
const tsJest = ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }];
const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // CommonJS packages that require() the ESM-only Nest 12: see test/support/cjs-package-as-esm.transform.cjs.
    '^@nestjs/throttler$': '<rootDir>/test/support/nestjs-throttler.esm.mjs',
  },
  transform: {
    '^.+\\.ts$': tsJest,
    'nestjs-throttler\\.esm\\.mjs$': '<rootDir>/test/support/cjs-package-as-esm.transform.cjs',
  },
  testEnvironment: '<rootDir>/test/support/host-typed-arrays.environment.js',
};

/**
 * Specs that load the real ONNX models (seconds each, and most of the unit time): the `models`
 * project, so that `npm run test:unit` stays fast. In the unit project onnxruntime-node is a stub
 * that refuses to load a model and names this list, so a new model-loading spec cannot slip in.
 */
const MODEL_SPECS = [
  'src/faces/face-pipeline.spec.ts',
  'src/faces/detection/ultraface.spec.ts',
  'src/inference/model-repository.onnx.spec.ts',
  'src/inference/onnx-runtime.backend.spec.ts',
  'src/inference/onnx-worker-pool.backend.spec.ts',
  'tools/models/build-models.spec.ts',
  'tools/models/tflite-to-onnx.spec.ts',
  'src/faces/onet-alignment.spec.ts',
  'src/faces/face-pipeline-group.spec.ts',
].map((spec) => `<rootDir>/${spec}`);

export default {
  // e2e suites start the real app: the embedded database and the ONNX sessions take seconds.
  testTimeout: 60_000,
  // Slowest suites first where this machine has no timings of its own (fresh clones, CI).
  testSequencer: '<rootDir>/test/support/slowest-first.sequencer.mjs',
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/tools/**/*.spec.ts', '<rootDir>/bench/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...MODEL_SPECS.map((spec) => `${spec.replace(/\./g, '\\.')}$`)],
      moduleNameMapper: { ...shared.moduleNameMapper, '^onnxruntime-node$': '<rootDir>/test/support/onnxruntime-refused.mjs' },
    },
    { ...shared, displayName: 'models', testMatch: MODEL_SPECS },
    // The medium tier: repositories and the migration runner on the embedded database, without Nest.
    { ...shared, displayName: 'medium', testMatch: ['<rootDir>/test/medium/**/*.spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};

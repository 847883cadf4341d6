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

export default {
  // e2e suites start the real app: the embedded database and the ONNX sessions take seconds.
  testTimeout: 60_000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/tools/**/*.spec.ts', '<rootDir>/bench/**/*.spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};

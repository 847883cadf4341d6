// package: @nestjs/throttler
// Placeholder: test/support/cjs-package-as-esm.transform.cjs replaces this file with the package as an ES module (see jest.config.js).

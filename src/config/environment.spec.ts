import { AppConfig } from './app-config.js';
import { InvalidEnvironmentError, validateEnvironment } from './environment.js';

describe('validateEnvironment', () => {
  it('fills API.md defaults when nothing is set', () => {
    const config = new AppConfig(validateEnvironment({}));
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: undefined,
      dataDir: './data',
      inferenceBackend: 'onnx',
      tritonGrpcUrl: 'localhost:8001',
      modelRepository: './model_repository',
      enrollmentTtlSeconds: 600,
      maxUploadBytes: 10_485_760,
      apiKeys: [],
      matchThresholdOverride: undefined,
    });
    expect(config.usesEmbeddedDatabase).toBe(true);
  });

  it('parses numbers, lists and URLs', () => {
    const config = new AppConfig(
      validateEnvironment({ PORT: '9000', API_KEYS: ' a , b ,,', MATCH_THRESHOLD: '0.42', DATABASE_URL: 'postgresql://u@h/db', INFERENCE_BACKEND: 'triton' }),
    );
    expect(config.port).toBe(9000);
    expect(config.apiKeys).toEqual(['a', 'b']);
    expect(config.matchThresholdOverride).toBe(0.42);
    expect(config.usesEmbeddedDatabase).toBe(false);
    expect(config.inferenceBackend).toBe('triton');
  });

  it('fails fast with every bad variable named', () => {
    const attempt = () => validateEnvironment({ PORT: 'eighty', INFERENCE_BACKEND: 'gpu', DATABASE_URL: 'mysql://x', ENROLLMENT_TTL_SECONDS: '0' });
    expect(attempt).toThrow(InvalidEnvironmentError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      for (const name of ['PORT', 'INFERENCE_BACKEND', 'DATABASE_URL', 'ENROLLMENT_TTL_SECONDS']) expect(message).toContain(name);
    }
  });

  it('ignores unrelated variables', () => {
    expect(() => validateEnvironment({ HOME: '/root', PATH: '/bin' })).not.toThrow();
  });
});

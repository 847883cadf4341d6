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
      embedderModel: 'face_embedder',
      enrollmentTtlSeconds: 600,
      maxUploadBytes: 10_485_760,
      apiKeys: [],
      matchThresholdOverride: undefined,
      rateLimitPerMinute: 6000,
      maxInflightRecognitions: 4,
      maxQueuedRecognitions: 32,
      pipelineTimeoutMs: 15_000,
      corsOrigins: [],
      shutdownDrainMs: 25_000,
    });
    expect(config.usesEmbeddedDatabase).toBe(true);
  });

  it('parses numbers, lists and URLs', () => {
    const config = new AppConfig(
      validateEnvironment({
        PORT: '9000',
        API_KEYS: ' a , b ,,',
        MATCH_THRESHOLD: '0.42',
        DATABASE_URL: 'postgresql://u@h/db',
        INFERENCE_BACKEND: 'triton',
      }),
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

  it('parses the reliability settings and refuses nonsense', () => {
    const config = new AppConfig(
      validateEnvironment({ RATE_LIMIT_PER_MINUTE: '0', MAX_INFLIGHT_RECOGNITIONS: '2', CORS_ORIGINS: 'https://a.example, https://b.example' }),
    );
    expect(config.rateLimitPerMinute).toBe(0);
    expect(config.maxInflightRecognitions).toBe(2);
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(() => validateEnvironment({ MAX_INFLIGHT_RECOGNITIONS: '0' })).toThrow(/MAX_INFLIGHT_RECOGNITIONS/);
    expect(() => validateEnvironment({ PIPELINE_TIMEOUT_MS: '5' })).toThrow(/PIPELINE_TIMEOUT_MS/);
    expect(() => validateEnvironment({ RATE_LIMIT_PER_MINUTE: '-1' })).toThrow(/RATE_LIMIT_PER_MINUTE/);
    expect(new AppConfig(validateEnvironment({ TRUST_PROXY: '2' })).trustProxy).toBe(2);
    expect(new AppConfig(validateEnvironment({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' })).trustProxy).toBe('10.0.0.0/8, 127.0.0.1');
    expect(new AppConfig(validateEnvironment({})).trustProxy).toBe(false);
    expect(() => validateEnvironment({ TRUST_PROXY: 'everyone please' })).toThrow(/TRUST_PROXY/);
  });

  it('ignores unrelated variables', () => {
    expect(() => validateEnvironment({ HOME: '/root', PATH: '/bin' })).not.toThrow();
    expect(new AppConfig(validateEnvironment({ EMBEDDER_MODEL: 'my_arcface-r100.v2' })).embedderModel).toBe('my_arcface-r100.v2');
    expect(() => validateEnvironment({ EMBEDDER_MODEL: '../elsewhere' })).toThrow(/EMBEDDER_MODEL must be a model folder name/);
  });
});

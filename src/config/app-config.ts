import { Environment } from './environment.js';

/**
 * Typed, validated configuration, injected wherever settings are needed.
 * Built once at start from the environment (see config.module.ts); tests build their own.
 */
export class AppConfig {
  readonly port: number;
  readonly databaseUrl: string | undefined;
  readonly databasePoolMax: number;
  readonly dataDir: string;
  readonly hnswEfSearch: number;
  readonly inferenceBackend: 'onnx' | 'triton';
  readonly tritonGrpcUrl: string;
  readonly tritonTimeoutMs: number;
  readonly modelRepository: string;
  readonly ortIntraOpThreads: number;
  /** Explicit override; when undefined the embedder's shipped threshold applies. */
  readonly matchThresholdOverride: number | undefined;
  readonly enrollmentTtlSeconds: number;
  readonly maxUploadBytes: number;
  readonly apiKeys: readonly string[];
  readonly logLevel: Environment['LOG_LEVEL'];

  constructor(env: Environment) {
    this.port = env.PORT;
    this.databaseUrl = env.DATABASE_URL;
    this.databasePoolMax = env.DATABASE_POOL_MAX;
    this.dataDir = env.DATA_DIR;
    this.hnswEfSearch = env.HNSW_EF_SEARCH;
    this.inferenceBackend = env.INFERENCE_BACKEND;
    this.tritonGrpcUrl = env.TRITON_GRPC_URL;
    this.tritonTimeoutMs = env.TRITON_TIMEOUT_MS;
    this.modelRepository = env.MODEL_REPOSITORY;
    this.ortIntraOpThreads = env.ORT_INTRA_OP_THREADS;
    this.matchThresholdOverride = env.MATCH_THRESHOLD;
    this.enrollmentTtlSeconds = env.ENROLLMENT_TTL_SECONDS;
    this.maxUploadBytes = env.MAX_UPLOAD_BYTES;
    this.apiKeys = (env.API_KEYS ?? '').split(',').map((key) => key.trim()).filter((key) => key.length > 0);
    this.logLevel = env.LOG_LEVEL;
  }

  get usesEmbeddedDatabase(): boolean {
    return this.databaseUrl === undefined;
  }
}

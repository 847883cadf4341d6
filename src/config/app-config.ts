import { Environment } from './environment.js';

/**
 * Typed, validated configuration, injected wherever settings are needed.
 * Built once at start from the environment (see config.module.ts); tests build their own.
 */
export class AppConfig {
  readonly port: number;
  readonly databaseUrl: string | undefined;
  readonly databasePoolMax: number;
  readonly databaseStartTimeoutMs: number;
  readonly dataDir: string;
  readonly hnswEfSearch: number;
  readonly embeddedSharedBuffersMb: number;
  readonly inferenceBackend: 'onnx' | 'triton';
  readonly tritonGrpcUrl: string;
  readonly tritonTimeoutMs: number;
  readonly modelRepository: string;
  /** The embedder's folder in modelRepository. */
  readonly embedderModel: string;
  readonly ortIntraOpThreads: number;
  readonly ortWorkerThreads: number;
  readonly ortWorkerNice: number;
  readonly pixelWorkerThreads: number;
  /** Explicit overrides; when undefined the embedder's shipped thresholds apply (src/gallery/thresholds.ts). */
  readonly matchThresholdOverride: number | undefined;
  readonly duplicateThresholdOverride: number | undefined;
  readonly verifyThresholdOverride: number | undefined;
  readonly enrollmentTtlSeconds: number;
  readonly maxUploadBytes: number;
  readonly apiKeys: readonly string[];
  readonly logLevel: Environment['LOG_LEVEL'];
  /** 0 = rate limiting off. */
  readonly rateLimitPerMinute: number;
  readonly maxInflightRecognitions: number;
  readonly maxQueuedRecognitions: number;
  readonly pipelineTimeoutMs: number;
  /** Empty = CORS off; ['*'] = any origin. */
  readonly corsOrigins: readonly string[];
  readonly shutdownDrainMs: number;
  /** Express's `trust proxy` value; false = the TCP peer is the client. */
  readonly trustProxy: boolean | number | string;

  constructor(env: Environment) {
    this.port = env.PORT;
    this.databaseUrl = env.DATABASE_URL;
    this.databasePoolMax = env.DATABASE_POOL_MAX;
    this.databaseStartTimeoutMs = env.DATABASE_START_TIMEOUT_MS;
    this.dataDir = env.DATA_DIR;
    this.hnswEfSearch = env.HNSW_EF_SEARCH;
    this.embeddedSharedBuffersMb = env.EMBEDDED_SHARED_BUFFERS_MB;
    this.inferenceBackend = env.INFERENCE_BACKEND;
    this.tritonGrpcUrl = env.TRITON_GRPC_URL;
    this.tritonTimeoutMs = env.TRITON_TIMEOUT_MS;
    this.modelRepository = env.MODEL_REPOSITORY;
    this.embedderModel = env.EMBEDDER_MODEL;
    this.ortIntraOpThreads = env.ORT_INTRA_OP_THREADS;
    this.ortWorkerThreads = env.ORT_WORKER_THREADS;
    this.ortWorkerNice = env.ORT_WORKER_NICE;
    this.pixelWorkerThreads = env.PIXEL_WORKER_THREADS;
    this.matchThresholdOverride = env.MATCH_THRESHOLD;
    this.duplicateThresholdOverride = env.DUPLICATE_FACE_THRESHOLD;
    this.verifyThresholdOverride = env.VERIFY_THRESHOLD;
    this.enrollmentTtlSeconds = env.ENROLLMENT_TTL_SECONDS;
    this.maxUploadBytes = env.MAX_UPLOAD_BYTES;
    this.apiKeys = splitList(env.API_KEYS);
    this.logLevel = env.LOG_LEVEL;
    this.rateLimitPerMinute = env.RATE_LIMIT_PER_MINUTE;
    this.maxInflightRecognitions = env.MAX_INFLIGHT_RECOGNITIONS;
    this.maxQueuedRecognitions = env.MAX_QUEUED_RECOGNITIONS;
    this.pipelineTimeoutMs = env.PIPELINE_TIMEOUT_MS;
    this.corsOrigins = splitList(env.CORS_ORIGINS);
    this.shutdownDrainMs = env.SHUTDOWN_DRAIN_MS;
    this.trustProxy =
      env.TRUST_PROXY === undefined
        ? false
        : env.TRUST_PROXY === 'true'
          ? true
          : /^\d+$/.test(env.TRUST_PROXY)
            ? Number(env.TRUST_PROXY)
            : env.TRUST_PROXY;
  }

  get usesEmbeddedDatabase(): boolean {
    return this.databaseUrl === undefined;
  }
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  Validate,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
  validateSync,
} from 'class-validator';

const toNumber = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const blankToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** Both thresholds given: the duplicate rule may not be looser than a match (the embedder's defaults are checked by the gallery). */
@ValidatorConstraint({ name: 'notBelowMatchThreshold' })
class NotBelowMatchThreshold implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const match = (args.object as Environment).MATCH_THRESHOLD;
    return typeof value !== 'number' || match === undefined || value >= match;
  }

  defaultMessage(args: ValidationArguments): string {
    return `must be at or above MATCH_THRESHOLD=${(args.object as Environment).MATCH_THRESHOLD}: a face that matches no one could not enroll`;
  }
}

/** The environment the service reads, with its defaults. API.md's configuration table is the contract. */
export class Environment {
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8080;

  @Transform(blankToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsString()
  DATA_DIR = './data';

  /** Connections per replica to an external PostgreSQL; ignored by the embedded one (single session). */
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_MAX = 10;

  /**
   * How long a replica keeps trying (with backoff) to reach and migrate an external PostgreSQL at
   * start before it exits; it listens meanwhile and its readiness probe says why it is not ready.
   */
  @Transform(toNumber)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  DATABASE_START_TIMEOUT_MS = 120_000;

  @IsIn(['onnx', 'triton'])
  INFERENCE_BACKEND: 'onnx' | 'triton' = 'onnx';

  @IsString()
  TRITON_GRPC_URL = 'localhost:8001';

  @Transform(toNumber)
  @IsInt()
  @Min(10)
  @Max(600_000)
  TRITON_TIMEOUT_MS = 5000;

  /**
   * HNSW candidate list size: recall against latency. `npm run bench:scale` at 100,000 real-looking
   * faces: 40 gives recall@1 0.993 vs exact at 0.63x the latency of 100 (recall 1.000); docs/benchmarks.md.
   */
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(1000)
  HNSW_EF_SEARCH = 40;

  /**
   * The embedded database's buffer cache. The HNSW index needs about 2.6 KB per face; when it fits,
   * k-NN at 100,000 faces takes 3.1 ms instead of 5.9 ms (bench:scale). Reserved at start.
   */
  @Transform(toNumber)
  @IsInt()
  @Min(16)
  @Max(2048)
  EMBEDDED_SHARED_BUFFERS_MB = 320;

  @IsString()
  MODEL_REPOSITORY = './model_repository';

  /**
   * The embedder: a model folder of MODEL_REPOSITORY that declares its preprocessing (docs/models.md,
   * "Bring your own embedder"). The gallery records it; another one on the same gallery stops the start.
   */
  @Matches(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, { message: 'EMBEDDER_MODEL must be a model folder name (letters, digits, _ . -)' })
  EMBEDDER_MODEL = 'face_embedder';

  /** ONNX Runtime intra-op threads per session; 1 avoids thread spinning on small machines. */
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(64)
  ORT_INTRA_OP_THREADS = 1;

  /**
   * Worker threads running ONNX Runtime (0 = in the main thread). onnxruntime-node runs inference
   * synchronously on its calling thread; workers keep it off the event loop. 2 = this 2-core target (bench:load).
   */
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(64)
  ORT_WORKER_THREADS = 2;

  /**
   * Worker threads for the pipeline's pixel work: decoding, detector tensors, crops, alignment
   * (0 = on the event loop). Off it, health probes and overload refusals stay quick (bench:liveness).
   */
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(64)
  PIXEL_WORKER_THREADS = 2;

  /**
   * Nice value of the worker threads, ONNX Runtime's and the pixel workers (Linux; 0 = as the event
   * loop). Raising it needs no privilege: they then yield a busy CPU to the event loop, which keeps
   * health probes and overload refusals quick while the models run flat out (bench:liveness).
   */
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(19)
  ORT_WORKER_NICE = 10;

  /** 1:N match. Unset means the embedder's own threshold, chosen by `npm run bench:accuracy` (src/gallery/thresholds.ts). */
  @Transform(toNumber)
  @IsOptional()
  @IsNumber()
  @Min(-1)
  @Max(1)
  MATCH_THRESHOLD?: number;

  /** At or above it, a face already enrolled as someone else is refused (409); below it a match still carries an enrollment key. Unset: the embedder's. */
  @Transform(toNumber)
  @IsOptional()
  @IsNumber()
  @Min(-1)
  @Max(1)
  @Validate(NotBelowMatchThreshold)
  DUPLICATE_FACE_THRESHOLD?: number;

  /** 1:1 (/verify). Unset: the embedder's, chosen from the View-1 pairs ROC by `npm run bench:accuracy`. */
  @Transform(toNumber)
  @IsOptional()
  @IsNumber()
  @Min(-1)
  @Max(1)
  VERIFY_THRESHOLD?: number;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(86_400)
  ENROLLMENT_TTL_SECONDS = 600;

  @Transform(toNumber)
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  API_KEYS?: string;

  /** Requests per minute per API key (per client IP when API_KEYS is unset); 0 = off. 6000 leaves 2.5x headroom over a 40 req/s benchmark client. */
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  RATE_LIMIT_PER_MINUTE = 6000;

  /** Face-pipeline requests worked on at once (decode, detect, embed); bounds CPU and memory. */
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(256)
  MAX_INFLIGHT_RECOGNITIONS = 4;

  /** Pipeline requests allowed to wait for a slot; beyond that the API answers 503 at once. */
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(10_000)
  MAX_QUEUED_RECOGNITIONS = 32;

  /** Longest a request waits for, and runs in, the pipeline before it gets a 503. */
  @Transform(toNumber)
  @IsInt()
  @Min(100)
  @Max(600_000)
  PIPELINE_TIMEOUT_MS = 15_000;

  /** Comma-separated origins allowed by CORS, or `*`; unset = no CORS headers (browsers on other origins are refused). */
  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  /**
   * Express's `trust proxy`: unset = the TCP peer is the client; a number = that many proxies in front;
   * otherwise addresses/CIDRs of trusted proxies. Needed behind an ingress for per-IP rate limits.
   */
  @Transform(blankToUndefined)
  @IsOptional()
  @Matches(/^(\d{1,2}|true|[0-9a-fA-F:./,\s]+|loopback|linklocal|uniquelocal)$/, {
    message: 'TRUST_PROXY must be a hop count, true, or proxy addresses/CIDRs',
  })
  TRUST_PROXY?: string;

  /**
   * On SIGTERM, how long in-flight requests may take to finish before connections are cut; the
   * admission gate then waits at most as long again for pipeline work whose client hung up.
   */
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_DRAIN_MS = 25_000;

  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';
}

const ENVIRONMENT_KEYS: readonly (keyof Environment)[] = [
  'PORT',
  'DATABASE_URL',
  'DATABASE_POOL_MAX',
  'DATABASE_START_TIMEOUT_MS',
  'DATA_DIR',
  'INFERENCE_BACKEND',
  'TRITON_GRPC_URL',
  'TRITON_TIMEOUT_MS',
  'HNSW_EF_SEARCH',
  'EMBEDDED_SHARED_BUFFERS_MB',
  'MODEL_REPOSITORY',
  'EMBEDDER_MODEL',
  'ORT_INTRA_OP_THREADS',
  'ORT_WORKER_THREADS',
  'ORT_WORKER_NICE',
  'PIXEL_WORKER_THREADS',
  'MATCH_THRESHOLD',
  'DUPLICATE_FACE_THRESHOLD',
  'VERIFY_THRESHOLD',
  'ENROLLMENT_TTL_SECONDS',
  'MAX_UPLOAD_BYTES',
  'API_KEYS',
  'LOG_LEVEL',
  'RATE_LIMIT_PER_MINUTE',
  'MAX_INFLIGHT_RECOGNITIONS',
  'MAX_QUEUED_RECOGNITIONS',
  'PIPELINE_TIMEOUT_MS',
  'CORS_ORIGINS',
  'SHUTDOWN_DRAIN_MS',
  'TRUST_PROXY',
];

export class InvalidEnvironmentError extends Error {}

/** Parses and validates raw env vars; throws one error listing every bad variable. */
export function validateEnvironment(raw: Record<string, string | undefined>): Environment {
  const picked = Object.fromEntries(ENVIRONMENT_KEYS.filter((key) => raw[key] !== undefined).map((key) => [key, raw[key]]));
  const env = plainToInstance(Environment, picked, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  if (errors.length > 0) {
    const lines = errors.map((error) => `  ${error.property}=${JSON.stringify(error.value)}: ${Object.values(error.constraints ?? {}).join('; ')}`);
    throw new InvalidEnvironmentError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return env;
}

// A stand-in Triton for manual runs: the KServe v2 gRPC protocol over ONNX Runtime, on a fixed
// port, until Ctrl-C. Lets the app run with INFERENCE_BACKEND=triton without a Triton binary:
//   npx tsx test/support/serve-kserve.ts 8001   then   INFERENCE_BACKEND=triton npm start
import { FACE_MODELS, readModelConfig } from '../../src/inference/model-repository.js';
import { OnnxRuntimeBackend } from '../../src/inference/onnx-runtime.backend.js';
import { KServeTestServer } from './kserve-test-server.js';
import { requireModelRepository } from './triton-test-stack.js';

const port = Number(process.argv[2] ?? 8001);
const repository = requireModelRepository();
const names = Object.values(FACE_MODELS);
const onnx = await OnnxRuntimeBackend.create({ modelRepository: repository, ortIntraOpThreads: 1 }, names);
const server = new KServeTestServer(
  onnx,
  names.map((name) => readModelConfig(repository, name)),
  port,
);
console.log(`KServe test server on ${await server.start()} serving ${names.join(', ')} from ${repository}`);

const shutdown = async () => {
  await server.stop();
  await onnx.onModuleDestroy();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

// What `npm run models:build` produces and from which pinned bytes. Build-time only.

/** The npm tarball the weights come from, pinned by the registry's own integrity hash. */
export const SOURCE_PACKAGE = {
  name: 'faceplugin-face-recognition-js',
  version: '0.0.1',
  integrity: 'sha512-shriXjd4zJHEwhK1jHK+bWo8Vv6Vu9B/w6RRsd4AFtNM/jaI2vhuOamOSMl9qQmLd8WlQ7dgqN+3C2iOi5pXWw==',
  license: 'MIT',
};

/**
 * How Triton runs each model on CPU: `instances` copies (instance_group count), each with
 * `intraOpThreads` ONNX Runtime threads. Without them Triton starts 2 instances per model, each with
 * as many threads as the node has cores: 3 models x 2 x cores threads fight over the pod's CPUs.
 * The sum of instances x intraOpThreads is kept to the Triton pod's CPU limit (4, deploy/k8s/triton.yaml),
 * and split by each model's share of the work: the embedder is about 85% of the model time of a
 * one-face request (docs/models.md, per-stage time), so it gets 2 of the 4 and the detector and the
 * landmarks one each. One thread per instance: concurrent requests gain more from parallel instances
 * than these small graphs gain from more threads per run.
 */
export const TRITON_CPU_BUDGET = 4;

/**
 * One entry per Triton model. Tensor names and dims are what the ONNX graphs declare. The source
 * graphs all have a fixed batch dimension of 1. Detector and landmarks are served as they are
 * (max_batch_size 0, the 1 part of dims). The embedder is rewritten by models:build to a dynamic
 * batch (see `batching` and onnx-batch-dim.mjs), so its dims leave the batch out and Triton may
 * batch requests together.
 */
export const MODEL_SPECS = [
  {
    name: 'face_detector',
    sourceFile: 'package/model/fr_detect.onnx',
    sourceSha256: '6c0256ccd3164f844736a401faf936ec2930764a87ae39442180887d0c5c8854',
    description: 'UltraFace RFB-320 face detector; boxes are already decoded, corner form, normalised to [0,1]',
    maxBatchSize: 0,
    inputs: [{ name: 'input', dims: [1, 3, 240, 320] }],
    outputs: [
      { name: 'scores', dims: [1, 4420, 2] },
      { name: 'boxes', dims: [1, 4420, 4] },
    ],
    triton: { instances: 1, intraOpThreads: 1 },
  },
  {
    name: 'face_landmarks',
    sourceFile: 'package/model/fr_landmark.onnx',
    sourceSha256: 'f10b0ba1d2a8a099adefede1ebf3733e44fe370715e7303dbeb7f59c02142258',
    description: '68-point landmarks from a 64x64 grey crop, coordinates normalised to the crop',
    maxBatchSize: 0,
    inputs: [{ name: 'input', dims: [1, 1, 64, 64] }],
    outputs: [{ name: 'output', dims: [1, 136] }],
    triton: { instances: 1, intraOpThreads: 1 },
  },
  {
    name: 'face_embedder',
    sourceFile: 'package/model/fr_feature.onnx',
    sourceSha256: '87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581',
    description: 'MobileFaceNet 512-D embedding of a 112x112 BGR face aligned to the ArcFace template',
    // 16 covers a flip pair of 8 concurrent requests; larger batches gain nothing on CPU.
    maxBatchSize: 16,
    inputs: [{ name: 'input', dims: [3, 112, 112] }],
    outputs: [{ name: 'output', dims: [512] }],
    triton: { instances: 2, intraOpThreads: 1 },
    batching: {
      dimParam: 'batch',
      // The graph ends in Reshape(shape=[1, -1]), which would fold a batch of N into one row.
      finalReshapeOutput: 'output',
      // sha256 of the rewritten graph; the build refuses anything else.
      outputSha256: 'beb70cbd2970379a09874e130c662efd88e509b10ad125b12baad4a2d0c751e3',
    },
  },
];

/** The sha256 model.onnx must have: the rewritten graph's when the spec rewrites it, else the source's. */
export function builtSha256(spec) {
  return spec.batching?.outputSha256 ?? spec.sourceSha256;
}

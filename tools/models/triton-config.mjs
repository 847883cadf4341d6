// Renders a Triton config.pbtxt from a model spec. Pure, so the same spec gives the same bytes.

function renderTensors(kind, tensors) {
  const items = tensors.map((tensor) => `  {\n    name: "${tensor.name}"\n    data_type: TYPE_FP32\n    dims: [ ${tensor.dims.join(', ')} ]\n  }`);
  return `${kind} [\n${items.join(',\n')}\n]\n`;
}

/**
 * An embedder's preprocessing as config `parameters` (Triton keeps custom parameters and its ONNX
 * Runtime backend ignores them); src/inference/embedder-contract.ts reads and validates the same keys at start.
 */
export function embeddingParameters(embedding) {
  return {
    'face_matrix.colour_order': embedding.colourOrder,
    'face_matrix.mean': embedding.mean.join(','),
    'face_matrix.std': embedding.std.join(','),
    'face_matrix.layout': embedding.layout,
    'face_matrix.template_size': String(embedding.templateSize),
    'face_matrix.flip_augmentation': String(embedding.flipAugmentation),
  };
}

/** Triton's `parameters` map, one entry a key; values are strings, as Triton's parameters are. */
function renderParameters(parameters) {
  return Object.entries(parameters)
    .map(([key, value]) => `parameters {\n  key: "${key}"\n  value: {\n    string_value: "${value}"\n  }\n}\n`)
    .join('');
}

export function renderTritonConfig(spec) {
  let text = `name: "${spec.name}"\nplatform: "onnxruntime_onnx"\nmax_batch_size: ${spec.maxBatchSize}\n`;
  text += renderTensors('input', spec.inputs);
  text += renderTensors('output', spec.outputs);
  // Triton can only batch across requests when the model has a batch dimension of its own.
  // 2 ms: a MobileFaceNet run takes ~10 ms on CPU, so waiting up to 2 ms for concurrent requests
  // to join a batch costs little latency; longer would add to every lone request's time.
  if (spec.maxBatchSize > 0) {
    text += 'dynamic_batching {\n  # wait at most 2 ms for other requests to join a batch (a run takes ~10 ms)\n';
    text += '  max_queue_delay_microseconds: 2000\n}\n';
  }
  text += renderCpuPlacement(spec.triton);
  if (spec.embedding) {
    text += '# How Face Matrix feeds this embedder (docs/models.md, "Bring your own embedder")\n';
    text += renderParameters(embeddingParameters(spec.embedding));
  }
  return text;
}

// No `kind`: KIND_AUTO puts the instances on each GPU when there is one, else on the CPU.
// The thread count is the ONNX Runtime backend's own parameter.
function renderCpuPlacement({ instances, intraOpThreads }) {
  const text = `instance_group [\n  {\n    count: ${instances}\n  }\n]\n`;
  return text + renderParameters({ intra_op_thread_count: String(intraOpThreads) });
}

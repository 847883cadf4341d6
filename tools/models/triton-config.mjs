// Renders a Triton config.pbtxt from a model spec. Pure, so the same spec gives the same bytes.

function renderTensors(kind, tensors) {
  const items = tensors.map(
    (tensor) =>
      `  {\n    name: "${tensor.name}"\n    data_type: TYPE_FP32\n    dims: [ ${tensor.dims.join(', ')} ]\n  }`,
  );
  return `${kind} [\n${items.join(',\n')}\n]\n`;
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
  return text;
}

// No `kind`: KIND_AUTO puts the instances on each GPU when there is one, else on the CPU.
// The thread count is the ONNX Runtime backend's own parameter (a string, as Triton's parameters are).
function renderCpuPlacement({ instances, intraOpThreads }) {
  let text = `instance_group [\n  {\n    count: ${instances}\n  }\n]\n`;
  text += `parameters {\n  key: "intra_op_thread_count"\n  value: {\n    string_value: "${intraOpThreads}"\n  }\n}\n`;
  return text;
}

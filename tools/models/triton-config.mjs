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
  if (spec.maxBatchSize > 0) text += 'dynamic_batching {\n  max_queue_delay_microseconds: 2000\n}\n';
  return text;
}

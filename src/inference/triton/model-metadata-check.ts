import type { ModelConfig, TensorConfig } from '../model-repository.js';
import type { ModelMetadataResponse, TensorMetadata } from './kserve-protocol.js';

/**
 * Compares what Triton says it serves (ModelMetadata) with the config.pbtxt the app reads.
 * They come from two copies of the model repository (the app image and Triton's volume); if they
 * drift apart, every request would fail on shapes, so readiness reports the drift instead.
 * Returns why they differ, or undefined when they agree.
 */
export function metadataMismatch(config: ModelConfig, metadata: ModelMetadataResponse): string | undefined {
  // Triton reports a batching model's batch dimension as -1 in front of the config dims.
  const expectedShape = (tensor: TensorConfig) => (config.maxBatchSize > 0 ? [-1, ...tensor.dims] : [...tensor.dims]);
  const describe = (tensors: readonly { name: string; datatype: string; shape: readonly number[] }[]) =>
    [...tensors]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((t) => `${t.name}:${t.datatype}[${t.shape.join(',')}]`)
      .join(' ');
  const fromConfig = (tensors: readonly TensorConfig[]) =>
    describe(tensors.map((tensor) => ({ name: tensor.name, datatype: tensor.dataType.replace(/^TYPE_/, ''), shape: expectedShape(tensor) })));
  const fromTriton = (tensors: readonly TensorMetadata[]) =>
    describe(tensors.map((tensor) => ({ name: tensor.name, datatype: tensor.datatype, shape: tensor.shape.map(Number) })));

  const problems: string[] = [];
  for (const [kind, expected, actual] of [
    ['inputs', fromConfig(config.inputs), fromTriton(metadata.inputs)],
    ['outputs', fromConfig(config.outputs), fromTriton(metadata.outputs)],
  ] as const) {
    if (expected !== actual) problems.push(`${kind}: Triton serves ${actual || 'none'}, config.pbtxt declares ${expected}`);
  }
  return problems.length > 0 ? `Triton's "${config.name}" differs from the app's model repository: ${problems.join('; ')}` : undefined;
}

import type { ModelConfig } from '../model-repository.js';
import { metadataMismatch } from './model-metadata-check.js';

const embedder: ModelConfig = {
  name: 'face_embedder',
  platform: 'onnxruntime_onnx',
  maxBatchSize: 0,
  dynamicBatching: false,
  parameters: {},
  inputs: [{ name: 'input', dataType: 'TYPE_FP32', dims: [1, 3, 112, 112] }],
  outputs: [{ name: 'output', dataType: 'TYPE_FP32', dims: [1, 512] }],
};
const served = {
  name: 'face_embedder',
  versions: ['1'],
  platform: 'onnxruntime_onnx',
  inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 112, 112] }],
  outputs: [{ name: 'output', datatype: 'FP32', shape: [1, 512] }],
};

describe('metadataMismatch', () => {
  it('accepts Triton metadata that matches config.pbtxt', () => {
    expect(metadataMismatch(embedder, served)).toBeUndefined();
  });

  it('expects -1 in front of the config dims for a batching model', () => {
    const batching = {
      ...embedder,
      maxBatchSize: 8,
      inputs: [{ ...embedder.inputs[0], dims: [3, 112, 112] }],
      outputs: [{ ...embedder.outputs[0], dims: [512] }],
    };
    const metadata = {
      ...served,
      inputs: [{ ...served.inputs[0], shape: [-1, 3, 112, 112] }],
      outputs: [{ ...served.outputs[0], shape: [-1, 512] }],
    };
    expect(metadataMismatch(batching, metadata)).toBeUndefined();
  });

  it('names the drift when Triton serves another model', () => {
    const other = { ...served, outputs: [{ name: 'output', datatype: 'FP32', shape: [1, 128] }] };
    expect(metadataMismatch(embedder, other)).toBe(
      `Triton's "face_embedder" differs from the app's model repository: outputs: Triton serves output:FP32[1,128], config.pbtxt declares output:FP32[1,512]`,
    );
  });

  it('notices a missing tensor or another datatype', () => {
    expect(metadataMismatch(embedder, { ...served, inputs: [] })).toMatch(/inputs: Triton serves none/);
    expect(metadataMismatch(embedder, { ...served, inputs: [{ ...served.inputs[0], datatype: 'FP16' }] })).toMatch(/input:FP16/);
  });
});

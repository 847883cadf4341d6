import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseModelConfig, parseProtoText, readModelConfig } from './model-repository.js';

const EMBEDDER_CONFIG = `
# written by models:build
name: "face_embedder"
platform: "onnxruntime_onnx"
max_batch_size: 8
input [
  {
    name: "input"
    data_type: TYPE_FP32
    dims: [ 3, 112, 112 ]
  }
]
output [
  {
    name: "output"
    data_type: TYPE_FP32
    dims: [ 512 ]
  }
]
dynamic_batching {
  max_queue_delay_microseconds: 2000
}
`;

describe('parseModelConfig', () => {
  it('reads names, dims, batch size and dynamic batching', () => {
    const config = parseModelConfig(EMBEDDER_CONFIG);
    expect(config).toEqual({
      name: 'face_embedder',
      platform: 'onnxruntime_onnx',
      maxBatchSize: 8,
      inputs: [{ name: 'input', dataType: 'TYPE_FP32', dims: [3, 112, 112] }],
      outputs: [{ name: 'output', dataType: 'TYPE_FP32', dims: [512] }],
      dynamicBatching: true,
      parameters: {},
    });
  });

  it('accepts the compact one-line style Triton documents, with several tensors and negative dims', () => {
    const config = parseModelConfig(
      'name: "face_detector" backend: "onnxruntime" max_batch_size: 0 ' +
        'input [{ name: "input", data_type: TYPE_FP32, dims: [1, 3, 240, 320] }] ' +
        'output [{ name: "scores" data_type: TYPE_FP32 dims: [-1, 2] }, { name: "boxes" data_type: TYPE_FP32 dims: [ -1, 4 ] }]',
    );
    expect(config.platform).toBe('onnxruntime');
    expect(config.maxBatchSize).toBe(0);
    expect(config.dynamicBatching).toBe(false);
    expect(config.inputs[0].dims).toEqual([1, 3, 240, 320]);
    expect(config.outputs.map((o) => [o.name, o.dims])).toEqual([
      ['scores', [-1, 2]],
      ['boxes', [-1, 4]],
    ]);
  });

  it('reads string parameters, in the map-entry form Triton writes, as a list or one entry at a time', () => {
    const listed = parseModelConfig(
      `${EMBEDDER_CONFIG}parameters [ { key: "a" value: { string_value: "1" } }, { key: "b", value: { string_value: "x,y" } } ]`,
    );
    expect(listed.parameters).toEqual({ a: '1', b: 'x,y' });
    const repeated = parseModelConfig(
      `${EMBEDDER_CONFIG}parameters { key: "a" value { string_value: "1" } }\nparameters: { key: "b" value: { string_value: "2" } }`,
    );
    expect(repeated.parameters).toEqual({ a: '1', b: '2' });
    expect(() => parseModelConfig(`${EMBEDDER_CONFIG}parameters { key: "a" value { } }`)).toThrow(/parameter "a" has no string_value/);
  });

  it('treats repeated scalar fields as a list and unescapes strings', () => {
    expect(parseProtoText('dims: 3 dims: 4 label: "a \\"b\\""')).toEqual({ dims: [3, 4], label: ['a "b"'] });
  });

  it('rejects unbalanced text and configs without a name', () => {
    expect(() => parseModelConfig('name: "x" input [ { name: "a" ')).toThrow(/config.pbtxt/);
    expect(() => parseModelConfig('platform: "onnxruntime_onnx"')).toThrow(/missing name/);
  });
});

describe('readModelConfig', () => {
  it('tells the user to build the models when the repository lacks one', () => {
    const empty = mkdtempSync(join(tmpdir(), 'model-repo-'));
    expect(() => readModelConfig(empty, 'face_embedder')).toThrow(/npm run models:build/);
  });

  it('refuses a config whose name disagrees with its directory', () => {
    const repo = mkdtempSync(join(tmpdir(), 'model-repo-'));
    mkdirSync(join(repo, 'face_detector'));
    writeFileSync(join(repo, 'face_detector', 'config.pbtxt'), EMBEDDER_CONFIG);
    expect(() => readModelConfig(repo, 'face_detector')).toThrow(/names model "face_embedder"/);
  });
});

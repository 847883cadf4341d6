import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EMBEDDER_PARAMETERS,
  EmbedderDeclarationError,
  embedderContractFrom,
  embedderOutputSha256,
  parseEmbedderPreprocessing,
  readEmbedderContract,
} from './embedder-contract.js';
import { ModelConfig, parseModelConfig } from './model-repository.js';

const declared = {
  'face_matrix.colour_order': 'RGB',
  'face_matrix.mean': '127.5',
  'face_matrix.std': '127.5',
  'face_matrix.layout': 'NCHW',
  'face_matrix.template_size': '112',
  'face_matrix.flip_augmentation': 'false',
};

/** An ArcFace-style model as an operator would declare it: 112x112 RGB in, 128-D out. */
function config(overrides: Partial<ModelConfig> = {}, parameters: Record<string, string> = declared): ModelConfig {
  return {
    name: 'my_arcface',
    platform: 'onnxruntime_onnx',
    maxBatchSize: 8,
    inputs: [{ name: 'data', dataType: 'TYPE_FP32', dims: [3, 112, 112] }],
    outputs: [{ name: 'fc1', dataType: 'TYPE_FP32', dims: [128] }],
    dynamicBatching: true,
    parameters,
    ...overrides,
  };
}

const problemsOf = (work: () => unknown): string => {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(EmbedderDeclarationError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('parseEmbedderPreprocessing', () => {
  it('reads every declared key; one mean or std stands for all three channels, three are per channel', () => {
    expect(parseEmbedderPreprocessing(declared)).toEqual({
      colourOrder: 'RGB',
      mean: [127.5, 127.5, 127.5],
      std: [127.5, 127.5, 127.5],
      layout: 'NCHW',
      templateSize: 112,
      flipAugmentation: false,
    });
    const perChannel = parseEmbedderPreprocessing({
      ...declared,
      'face_matrix.mean': '123.675, 116.28,103.53',
      'face_matrix.std': '58.395,57.12,57.375',
      'face_matrix.colour_order': 'bgr',
      'face_matrix.layout': 'nhwc',
      'face_matrix.flip_augmentation': 'TRUE',
    });
    expect(perChannel).toMatchObject({
      colourOrder: 'BGR',
      mean: [123.675, 116.28, 103.53],
      std: [58.395, 57.12, 57.375],
      layout: 'NHWC',
      flipAugmentation: true,
    });
  });

  it('names every missing key at once, with what each expects', () => {
    const message = problemsOf(() => parseEmbedderPreprocessing({}));
    for (const key of Object.values(EMBEDDER_PARAMETERS)) expect(message).toContain(`"${key}" is missing`);
    expect(message).toMatch(/"face_matrix.colour_order" is missing \(RGB or BGR\)/);
  });

  it.each([
    ['face_matrix.colour_order', 'YUV', /RGB or BGR/],
    ['face_matrix.mean', '127,127', /one number in \[0, 255\] or three/],
    ['face_matrix.mean', '-1', /one number in \[0, 255\]/],
    ['face_matrix.mean', '', /one number in \[0, 255\]/],
    ['face_matrix.std', '0', /one positive number or three/],
    ['face_matrix.std', '1,x,1', /one positive number or three/],
    ['face_matrix.layout', 'CHW', /NCHW or NHWC/],
    ['face_matrix.template_size', '128', /112 \(the ArcFace template's size\)/],
    ['face_matrix.flip_augmentation', 'yes', /true or false/],
  ])('refuses %s = "%s"', (key, value, expected) => {
    const message = problemsOf(() => parseEmbedderPreprocessing({ ...declared, [key]: value }));
    expect(message).toContain(`"${key}" is "${value}", expected`);
    expect(message).toMatch(expected);
  });

  it('refuses an unknown face_matrix key (a typo would otherwise be ignored) but leaves other parameters to Triton', () => {
    expect(problemsOf(() => parseEmbedderPreprocessing({ ...declared, 'face_matrix.colour': 'RGB' }))).toMatch(
      /unknown parameter "face_matrix.colour"/,
    );
    expect(() => parseEmbedderPreprocessing({ ...declared, execution_mode: 'parallel' })).not.toThrow();
  });
});

describe('embedderContractFrom', () => {
  it('takes the tensor names, the batch and the dimension from config.pbtxt', () => {
    const embedder = embedderContractFrom(config(), 'f'.repeat(64));
    expect(embedder).toMatchObject({ model: 'my_arcface', inputName: 'data', outputName: 'fc1', maxBatchSize: 8, dimension: 128, facesPerRun: 8 });
    expect(embedder.inputDims(2)).toEqual([2, 3, 112, 112]);
    expect(embedder.describe()).toBe('"my_arcface" (128-D, model.onnx sha256 ffffffffffff…, RGB (x-127.5)/127.5 NCHW 112x112, flip off)');
  });

  it('takes a graph with a fixed batch of 1 one face per run, and an NHWC input', () => {
    const nhwc = { ...declared, 'face_matrix.layout': 'NHWC' };
    const fixed = config(
      {
        maxBatchSize: 0,
        inputs: [{ name: 'x', dataType: 'TYPE_FP32', dims: [1, 112, 112, 3] }],
        outputs: [{ name: 'y', dataType: 'TYPE_FP32', dims: [1, 256] }],
      },
      nhwc,
    );
    const embedder = embedderContractFrom(fixed, 'f'.repeat(64));
    expect(embedder).toMatchObject({ maxBatchSize: 0, facesPerRun: 1, dimension: 256 });
    expect(embedder.inputDims(1)).toEqual([1, 112, 112, 3]);
  });

  it('gives one identity per weights, dimension and preprocessing, whatever the folder is called', () => {
    const a = embedderContractFrom(config(), 'a'.repeat(64));
    expect(embedderContractFrom(config({ name: 'renamed' }), 'a'.repeat(64)).id).toBe(a.id);
    expect(embedderContractFrom(config(), 'b'.repeat(64)).id).not.toBe(a.id);
    expect(a.withPreprocessing({ flipAugmentation: true }).id).not.toBe(a.id);
    expect(embedderContractFrom(config({ outputs: [{ name: 'fc1', dataType: 'TYPE_FP32', dims: [512] }] }), 'a'.repeat(64)).id).not.toBe(a.id);
  });

  it.each([
    [
      'an input that is not the declared layout',
      { inputs: [{ name: 'data', dataType: 'TYPE_FP32', dims: [112, 112, 3] }] },
      /input "data" has dims \[112, 112, 3\], expected \[3, 112, 112\] for NCHW/,
    ],
    [
      'two outputs',
      {
        outputs: [
          { name: 'a', dataType: 'TYPE_FP32', dims: [128] },
          { name: 'b', dataType: 'TYPE_FP32', dims: [1] },
        ],
      },
      /one input and one output \(has 1 and 2\)/,
    ],
    ['a half-precision output', { outputs: [{ name: 'fc1', dataType: 'TYPE_FP16', dims: [128] }] }, /tensor "fc1" is TYPE_FP16, expected TYPE_FP32/],
    [
      'an output too long for an HNSW index',
      { outputs: [{ name: 'fc1', dataType: 'TYPE_FP32', dims: [4096] }] },
      /expected one vector of 1 to 2000 values/,
    ],
    ['a feature map instead of a vector', { outputs: [{ name: 'fc1', dataType: 'TYPE_FP32', dims: [8, 16] }] }, /output "fc1" has dims \[8, 16\]/],
    [
      'a fixed batch other than 1',
      { maxBatchSize: 0, inputs: [{ name: 'data', dataType: 'TYPE_FP32', dims: [4, 3, 112, 112] }] },
      /after a batch of 1/,
    ],
  ])('refuses %s, naming the model and the contract', (_, overrides, expected) => {
    const message = problemsOf(() => embedderContractFrom(config(overrides), 'f'.repeat(64)));
    expect(message).toMatch(/^Embedder "my_arcface" cannot be used: /);
    expect(message).toMatch(expected);
    expect(message).toMatch(/docs\/models.md, "Bring your own embedder"$/);
  });

  it('refuses a config that declares nothing, as the embedder models:build wrote before preprocessing was declared', () => {
    expect(problemsOf(() => embedderContractFrom(config({}, {}), 'f'.repeat(64)))).toMatch(/"face_matrix.colour_order" is missing/);
  });
});

describe('readEmbedderContract', () => {
  const repositoryWith = (files: { onnx?: string; manifestSha?: string }) => {
    const repository = mkdtempSync(join(tmpdir(), 'embedder-'));
    mkdirSync(join(repository, 'mine', '1'), { recursive: true });
    const parameters = Object.entries(declared).map(([key, value]) => `parameters { key: "${key}" value { string_value: "${value}" } }`);
    writeFileSync(
      join(repository, 'mine', 'config.pbtxt'),
      `name: "mine"\nplatform: "onnxruntime_onnx"\nmax_batch_size: 4\ninput [{ name: "data" data_type: TYPE_FP32 dims: [3, 112, 112] }]\noutput [{ name: "fc1" data_type: TYPE_FP32 dims: [128] }]\n${parameters.join('\n')}\n`,
    );
    if (files.onnx !== undefined) writeFileSync(join(repository, 'mine', '1', 'model.onnx'), files.onnx);
    if (files.manifestSha !== undefined)
      writeFileSync(join(repository, 'mine', 'manifest.json'), JSON.stringify({ output: { file: '1/model.onnx', sha256: files.manifestSha } }));
    return repository;
  };
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');

  it('hashes a dropped-in model.onnx, which needs no manifest', () => {
    const embedder = readEmbedderContract(repositoryWith({ onnx: 'weights' }), 'mine');
    expect(embedder.outputSha256).toBe(sha('weights'));
    expect(embedder.dimension).toBe(128);
  });

  it("takes the manifest's hash where the model file is not there (a repository only Triton reads), and refuses a manifest the file contradicts", () => {
    expect(embedderOutputSha256(repositoryWith({ manifestSha: 'c'.repeat(64) }), 'mine')).toBe('c'.repeat(64));
    expect(() => embedderOutputSha256(repositoryWith({ onnx: 'new weights', manifestSha: sha('old weights') }), 'mine')).toThrow(
      /records .*Rebuild it .* or, for your own model, remove the manifest/,
    );
    expect(() => embedderOutputSha256(repositoryWith({}), 'mine')).toThrow(/neither .*model.onnx nor a manifest.json/);
  });

  it('names the fix when EMBEDDER_MODEL is not in the repository', () => {
    expect(() => readEmbedderContract(repositoryWith({ onnx: 'w' }), 'missing')).toThrow(/Model "missing" is missing from .*npm run models:build/);
  });

  it('reads the parameters models:build renders', () => {
    expect(parseModelConfig('name: "x" parameters [{ key: "face_matrix.layout" value: { string_value: "NCHW" } }]').parameters).toEqual({
      'face_matrix.layout': 'NCHW',
    });
  });
});

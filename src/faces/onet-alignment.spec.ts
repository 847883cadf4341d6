import { shippedEmbedder } from '../../test/support/embedders.js';
import { createOnnxBackend } from '../../test/support/face-fixtures.js';
import { npmSamplePhoto } from '../../test/support/face-photos.js';
import { OnnxRuntimeBackend } from '../inference/onnx-runtime.backend.js';
import { FACE_MODELS } from '../inference/model-repository.js';
import { decodeImage } from './image-decoding.js';
import { ONET_INPUT_SIZE, onetInput, squareBox } from './detection/onet.js';
import { FacePipeline } from './face-pipeline.js';
import { cropResize } from './rgb-image.js';

const distance = ([ax, ay]: [number, number], [bx, by]: [number, number]) => Math.hypot(ax - bx, ay - by);

/** The real face_landmarks5 (O-Net converted by models:build) on the faces of the npm group photos. */
describe('O-Net alignment (face_landmarks5) on real faces', () => {
  let backend: OnnxRuntimeBackend;
  let onet: FacePipeline;
  let from68: FacePipeline;
  beforeAll(async () => {
    backend = await createOnnxBackend();
    onet = new FacePipeline(backend, shippedEmbedder(), { onetAlignment: true });
    from68 = new FacePipeline(backend, shippedEmbedder(), { onetAlignment: false });
  });
  afterAll(() => backend.onModuleDestroy());

  it('is in the model repository the backends load, with the tensors the pipeline feeds and reads', () => {
    const config = backend.modelConfig(FACE_MODELS.landmarks5);
    expect(config.inputs).toEqual([{ name: 'input', dataType: 'TYPE_FP32', dims: [1, ONET_INPUT_SIZE, ONET_INPUT_SIZE, 3] }]);
    expect(config.outputs.map((t) => [t.name, t.dims])).toEqual([
      ['face_probability', [1, 2]],
      ['box_regression', [1, 4]],
      ['landmarks', [1, 10]],
    ]);
  });

  it('calls a detected face a face, and a flat grey crop not one', async () => {
    const photo = npmSamplePhoto(5);
    const { image } = await decodeImage(photo);
    const face = (await from68.detect(photo)).faces[0];
    const probability = async (box: { x: number; y: number; width: number; height: number }) => {
      const input = onetInput(cropResize(image, squareBox(box), ONET_INPUT_SIZE, ONET_INPUT_SIZE));
      const out = await backend.infer(FACE_MODELS.landmarks5, { input: { data: input, dims: [1, ONET_INPUT_SIZE, ONET_INPUT_SIZE, 3] } });
      return out.face_probability.data[1];
    };
    expect(await probability(face.box)).toBeGreaterThan(0.9);
    const grey = onetInput({
      data: new Uint8Array(ONET_INPUT_SIZE * ONET_INPUT_SIZE * 3).fill(128),
      width: ONET_INPUT_SIZE,
      height: ONET_INPUT_SIZE,
    });
    const out = await backend.infer(FACE_MODELS.landmarks5, { input: { data: grey, dims: [1, ONET_INPUT_SIZE, ONET_INPUT_SIZE, 3] } });
    expect(out.face_probability.data[1]).toBeLessThan(0.5);
  });

  it.each([1, 2, 5])("places 5 sane points on every frontal face of sample %i, close to the 68-point model's", async (index) => {
    const photo = npmSamplePhoto(index);
    const [withOnet, with68] = await Promise.all([onet.detect(photo), from68.detect(photo)]);
    // Landmarks do not move the boxes: the same faces in the same order.
    expect(withOnet.faces.map((f) => f.box)).toEqual(with68.faces.map((f) => f.box));
    // Profiles (eyes closer than 0.3 box widths by the 68-point model) have no second eye to place.
    const frontal = withOnet.faces
      .map((face, k) => ({ face, other: with68.faces[k] }))
      .filter(({ other }) => distance(other.landmarks[0], other.landmarks[1]) >= 0.3 * other.box.width);
    expect(frontal.length).toBeGreaterThanOrEqual(2);
    for (const { face, other } of frontal) {
      const { x, y, width, height } = face.box;
      for (const [px, py] of face.landmarks) {
        expect(px).toBeGreaterThan(x);
        expect(px).toBeLessThan(x + width);
        expect(py).toBeGreaterThan(y);
        expect(py).toBeLessThan(y + height);
      }
      // In the face's own frame (x along the eye line, y across it, so tilted heads count too):
      // left before right, the nose below the eyes, the mouth below the nose.
      const [leftEye, rightEye, nose, leftMouth, rightMouth] = face.landmarks;
      const eyes = distance(leftEye, rightEye);
      const along = [(rightEye[0] - leftEye[0]) / eyes, (rightEye[1] - leftEye[1]) / eyes];
      const across = [-along[1], along[0]];
      const middle = [(leftEye[0] + rightEye[0]) / 2, (leftEye[1] + rightEye[1]) / 2];
      const frame = ([px, py]: [number, number]) => [
        (px - middle[0]) * along[0] + (py - middle[1]) * along[1],
        (px - middle[0]) * across[0] + (py - middle[1]) * across[1],
      ];
      expect(frame(leftMouth)[0]).toBeLessThan(frame(rightMouth)[0]);
      expect(frame(nose)[1]).toBeGreaterThan(0.3 * eyes);
      expect(Math.min(frame(leftMouth)[1], frame(rightMouth)[1])).toBeGreaterThan(frame(nose)[1]);
      // Two independent models agree on where the eyes and the nose are within a fifth of the eye distance.
      for (const point of [0, 1, 2]) expect(distance(face.landmarks[point], other.landmarks[point])).toBeLessThan(0.2 * eyes);
      expect(face.quality).toBeGreaterThan(0);
    }
  });
});

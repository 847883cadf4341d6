// onnxruntime-node as the `unit` Jest project sees it (jest.config.js): importing works, loading a
// model fails, naming the fix. Model-loading specs belong to the `models` project.
const refuse = () => {
  throw new Error('This spec loads ONNX models: add it to MODEL_SPECS in jest.config.js so it runs in the `models` project');
};

export const InferenceSession = { create: async () => refuse() };
export class Tensor {
  constructor() {
    refuse();
  }
}
export const env = {};
export default { InferenceSession, Tensor, env };

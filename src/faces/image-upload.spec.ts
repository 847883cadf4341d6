import { jest } from '@jest/globals';
import type { Request, Response } from 'express';
import { ShedUploadsWhenFull } from './image-upload.js';
import type { PipelineAdmission } from './pipeline-admission.js';

function fakeResponse() {
  const sent: { status?: number; body?: unknown; headers: Record<string, unknown> } = { headers: {} };
  const response = {
    setHeader: (name: string, value: unknown) => void (sent.headers[name] = value),
    status(code: number) {
      sent.status = code;
      return this;
    },
    json: (body: unknown) => void (sent.body = body),
  };
  return { response: response as unknown as Response, sent };
}

const request = (contentType: string) =>
  ({ requestId: 'req-1', is: (type: string) => (contentType.startsWith(type) ? type : false) }) as unknown as Request;

describe('ShedUploadsWhenFull', () => {
  const shed = (isFull: boolean) => new ShedUploadsWhenFull({ isFull } as PipelineAdmission);

  it('refuses an upload with the overload envelope while the pipeline is full, without passing it on', () => {
    const { response, sent } = fakeResponse();
    const next = jest.fn<() => void>();
    shed(true).use(request('multipart/form-data; boundary=x'), response, next);
    expect(next).not.toHaveBeenCalled();
    expect(sent.status).toBe(503);
    expect(sent.headers['Retry-After']).toBe('1');
    expect(sent.body).toEqual({ status: 'error', error_code: 505, message: 'Server busy, retry later', requestId: 'req-1' });
  });

  it('passes uploads on while there is room, and JSON bodies (no pipeline work) always', () => {
    for (const [isFull, contentType] of [
      [false, 'multipart/form-data; boundary=x'],
      [true, 'application/json'],
    ] as const) {
      const { response, sent } = fakeResponse();
      const next = jest.fn<() => void>();
      shed(isFull).use(request(contentType), response, next);
      expect(next).toHaveBeenCalledTimes(1);
      expect(sent.status).toBeUndefined();
    }
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './test-app.js';

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json?: { error_code?: number; [field: string]: unknown };
  text: string;
}

export interface RawRequest {
  method: string;
  /** Sent byte for byte: no client normalises letter case, slashes, dot segments or escapes. */
  path: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  /** A loopback source address (127.x.y.z), so each caller is a distinct client IP to the server. */
  localAddress?: string;
}

/** Starts the test app's HTTP server on a free loopback port; returns that port. */
export async function listenOnLoopback(t: TestApp): Promise<number> {
  const server = t.app.getHttpServer() as http.Server;
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export function rawRequest(port: number, options: RawRequest): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = Buffer.byteLength(options.body);
    const request = http.request(
      { host: '127.0.0.1', port, method: options.method, path: options.path, headers, localAddress: options.localAddress, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: RawAnswer['json'];
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, json, text });
        });
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** The n-th distinct loopback client address (127.1.0.1, 127.1.0.2, ...). */
export function loopbackClient(n: number): string {
  return `127.1.${Math.floor(n / 250)}.${(n % 250) + 1}`;
}

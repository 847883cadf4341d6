import type { TestApp } from './test-app.js';
import request from 'supertest';

export interface Operation {
  method: string;
  /** The documented template, e.g. /api/v1/users/{id}. */
  template: string;
  /** The template with every parameter filled in. */
  path: string;
  /** Request body content types the document declares (POST only). */
  consumes: string[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const SAMPLE_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

/** Every operation of the app's own OpenAPI document, as served at /api/docs-json. */
export async function documentedOperations(t: TestApp): Promise<Operation[]> {
  const document = (await request(t.http).get('/api/docs-json').expect(200)).body as {
    paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>>;
  };
  return Object.entries(document.paths).flatMap(([template, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({
        method: method.toUpperCase(),
        template,
        path: template.replace(/\{[^}]+\}/g, SAMPLE_ID),
        consumes: Object.keys(operation.requestBody?.content ?? {}),
      })),
  );
}

export interface PathVariant {
  label: string;
  path: string;
}

const encodeChar = (char: string, upperHex: boolean) => {
  const hex = char.charCodeAt(0).toString(16);
  return `%${upperHex ? hex.toUpperCase() : hex}`;
};
const capitalise = (segment: string) => segment.charAt(0).toUpperCase() + segment.slice(1);

/**
 * Spellings of one path that a lenient router, a proxy or a decoder might take for the same route:
 * letter case of each segment, trailing and doubled slashes, dot segments, percent-encoded letters
 * and slashes. The canonical spelling comes first.
 */
export function pathVariants(path: string): PathVariant[] {
  const segments = path.split('/').slice(1);
  const join = (parts: string[]) => '/' + parts.join('/');
  const variants: PathVariant[] = [{ label: 'canonical', path }];
  const add = (label: string, variant: string) => {
    if (!variants.some((existing) => existing.path === variant)) variants.push({ label, path: variant });
  };
  add('all upper case', path.toUpperCase());
  add('each segment capitalised', join(segments.map(capitalise)));
  add('trailing slash', `${path}/`);
  add('doubled trailing slash', `${path}//`);
  add('leading doubled slash', `/${path}`);
  add('trailing /.', `${path}/.`);
  segments.forEach((segment, index) => {
    const withSegment = (replacement: string) => join(segments.map((s, i) => (i === index ? replacement : s)));
    const before = (insert: string) => join([...segments.slice(0, index), ...insert.split('/').filter(Boolean), ...segments.slice(index)]);
    add(`segment ${index} upper case`, withSegment(segment.toUpperCase()));
    add(`segment ${index} capitalised`, withSegment(capitalise(segment)));
    add(`/./ before segment ${index}`, before('.'));
    add(`/x/../ before segment ${index}`, before('x/..'));
    if (index > 0) add(`doubled slash before segment ${index}`, join(segments.slice(0, index)) + '//' + segments.slice(index).join('/'));
    if (index > 0) {
      add(`%2F before segment ${index}`, join(segments.slice(0, index)) + '%2F' + segments.slice(index).join('/'));
      add(`%2f before segment ${index}`, join(segments.slice(0, index)) + '%2f' + segments.slice(index).join('/'));
    }
    const first = segment.charAt(0);
    if (/[a-z0-9]/i.test(first)) {
      add(`segment ${index} first letter %xx`, withSegment(encodeChar(first, false) + segment.slice(1)));
      add(`segment ${index} first letter %XX`, withSegment(encodeChar(first, true) + segment.slice(1)));
      add(`segment ${index} fully encoded`, withSegment([...segment].map((char) => encodeChar(char, true)).join('')));
    }
  });
  return variants;
}

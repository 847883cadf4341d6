// The one way the console talks to the API: adds the API key, turns error envelopes into ApiError.

const KEY_ITEM = 'face-matrix.api-key';

/** An error envelope ({ error_code, message, details }) or a network failure (status 0). */
export class ApiError extends Error {
  constructor(status, envelope, fallback) {
    super(typeof envelope?.message === 'string' ? envelope.message : fallback);
    this.status = status;
    this.code = envelope?.error_code;
    this.details = Array.isArray(envelope?.details) ? envelope.details : [];
    this.requestId = envelope?.requestId;
  }
}

/** sessionStorage only: the key dies with the tab and never rides along as a cookie. */
export const apiKey = {
  get: () => sessionStorage.getItem(KEY_ITEM),
  set: (key) => sessionStorage.setItem(KEY_ITEM, key),
  clear: () => sessionStorage.removeItem(KEY_ITEM),
};

/** Dispatches `unauthorized` (detail: { error, keySent }) on every 401, so the page can ask for a key. */
export const apiEvents = new EventTarget();

let serverClockOffsetMs = 0;
/** The server's clock, for deadlines it sets (enrollment keys): the browser's clock may be off. */
export const serverNow = () => Date.now() + serverClockOffsetMs;

function noteServerClock(response) {
  const date = Date.parse(response.headers.get('date') ?? '');
  // The Date header has whole seconds: assume the end of that second, so deadlines come early, never late.
  if (!Number.isNaN(date)) serverClockOffsetMs = date + 999 - Date.now();
}

async function call(method, path, body) {
  const headers = { accept: 'application/json' };
  const key = apiKey.get();
  if (key) headers['x-api-key'] = key;
  let payload = body;
  if (body !== undefined && !(body instanceof FormData)) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`/api/v1${path}`, { method, headers, body: payload });
  } catch {
    throw new ApiError(0, null, 'The server could not be reached. Check the connection and try again.');
  }
  noteServerClock(response);
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (response.ok) return data;
  const error = new ApiError(response.status, data, `The server answered ${response.status} ${response.statusText}`.trim());
  if (response.status === 401) apiEvents.dispatchEvent(new CustomEvent('unauthorized', { detail: { error, keySent: Boolean(key) } }));
  throw error;
}

export const api = {
  /** Every face of the photo (up to the API's 50), each with its 3 nearest people for the candidate list. */
  recogniseFaces(image) {
    const form = new FormData();
    form.append('image', image, image.name ?? 'webcam.jpg');
    form.append('max_faces', '50');
    form.append('candidates', '3');
    return call('POST', '/recognise', form);
  },
  addUser: (fields) => call('POST', '/add_user', fields),
  listUsers: (limit, cursor) => call('GET', `/users?${new URLSearchParams(cursor ? { limit, cursor } : { limit })}`),
  deleteUser: (id) => call('DELETE', `/users/${encodeURIComponent(id)}`),
};

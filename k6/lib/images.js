// Test images for the load scripts. k6 reads files only while a script initialises (open()), so
// the folder is given with a list of its files: IMAGES_DIR (required) and IMAGES_LIST (default
// IMAGES_DIR/images.txt, one path per line, relative to IMAGES_DIR or absolute). Make the list with
//   (cd "$IMAGES_DIR" && find . -name '*.jpg' | head -200 > images.txt)
// Both must be absolute paths: k6's open() resolves a relative path against the folder of the
// script that calls it (k6/lib/), not against the directory k6 was started from.

const CONTENT_TYPES = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

export function loadImages() {
  const dir = __ENV.IMAGES_DIR;
  if (!dir) throw new Error('set IMAGES_DIR to a folder of face photos (see docs/deployment.md)');
  const listPath = __ENV.IMAGES_LIST || `${dir.replace(/\/$/, '')}/images.txt`;
  for (const [name, value] of [
    ['IMAGES_DIR', dir],
    ['IMAGES_LIST', listPath],
  ]) {
    if (!isAbsolute(value)) {
      throw new Error(
        `${name} must be an absolute path (got "${value}"): k6 resolves relative paths against k6/lib/, e.g. -e ${name}="$(realpath ${value})"`,
      );
    }
  }
  const limit = Number(__ENV.MAX_IMAGES || 200);
  const names = open(listPath)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .slice(0, limit);
  if (names.length === 0) throw new Error(`no images listed in ${listPath}`);
  return names.map((name) => {
    const path = isAbsolute(name) ? name : `${dir.replace(/\/$/, '')}/${name.replace(/^\.\//, '')}`;
    const extension = path.split('.').pop().toLowerCase();
    return { name: path.split('/').pop(), bytes: open(path, 'b'), contentType: CONTENT_TYPES[extension] || 'application/octet-stream' };
  });
}

/** POSIX /..., Windows C:\... or C:/..., and file:// URLs. */
function isAbsolute(path) {
  return /^(\/|[A-Za-z]:[\\/]|file:\/\/)/.test(path);
}

export function randomItem(items) {
  return items[Math.floor(Math.random() * items.length)];
}

export function baseUrl() {
  return (__ENV.BASE_URL || 'http://localhost:8080').replace(/\/$/, '');
}

/** x-api-key when API_KEY is set, as the service requires when it runs with API_KEYS. */
export function authHeaders() {
  return __ENV.API_KEY ? { 'x-api-key': __ENV.API_KEY } : {};
}

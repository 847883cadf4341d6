// Test images for the load scripts. k6 reads files only while a script initialises (open()), so
// the folder is given with a list of its files: IMAGES_DIR (required) and IMAGES_LIST (default
// IMAGES_DIR/images.txt, one path per line, relative to IMAGES_DIR or absolute). Make the list with
//   (cd "$IMAGES_DIR" && find . -name '*.jpg' | head -200 > images.txt)

const CONTENT_TYPES = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

export function loadImages() {
  const dir = __ENV.IMAGES_DIR;
  if (!dir) throw new Error('set IMAGES_DIR to a folder of face photos (see docs/deployment.md)');
  const listPath = __ENV.IMAGES_LIST || `${dir}/images.txt`;
  const limit = Number(__ENV.MAX_IMAGES || 200);
  const names = open(listPath)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .slice(0, limit);
  if (names.length === 0) throw new Error(`no images listed in ${listPath}`);
  return names.map((name) => {
    const path = name.startsWith('/') ? name : `${dir}/${name.replace(/^\.\//, '')}`;
    const extension = path.split('.').pop().toLowerCase();
    return { name: path.split('/').pop(), bytes: open(path, 'b'), contentType: CONTENT_TYPES[extension] || 'application/octet-stream' };
  });
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

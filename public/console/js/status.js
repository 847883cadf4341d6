// The page's one live region: results and errors are announced here and stay readable on screen.

const region = document.getElementById('status');

export function announce(text) {
  region.classList.remove('status-error');
  region.replaceChildren(paragraph(text));
}

/** `lead: message (error 601)`, then one line per invalid field for a 400. */
export function announceError(error, lead) {
  region.classList.add('status-error');
  const code = error.code === undefined ? '' : ` (error ${error.code})`;
  const parts = [paragraph(`${lead}: ${error.message}${code}`)];
  if (error.details?.length) {
    const list = document.createElement('ul');
    for (const detail of error.details) {
      const item = document.createElement('li');
      item.textContent = detail.field ? `${detail.field}: ${detail.message}` : String(detail.message);
      list.append(item);
    }
    parts.push(list);
  }
  region.replaceChildren(...parts);
}

function paragraph(text) {
  const p = document.createElement('p');
  p.textContent = text;
  return p;
}

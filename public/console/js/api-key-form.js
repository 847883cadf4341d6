// Asks for an API key only when the server answers 401: an open server (no API_KEYS) never sees it.
import { apiEvents, apiKey } from './api.js';
import { announce } from './status.js';

export function initApiKeyForm({ onKeySaved }) {
  const section = document.getElementById('api-key-section');
  const form = document.getElementById('api-key-form');
  const input = document.getElementById('api-key-input');
  const message = document.getElementById('api-key-message');
  const forget = document.getElementById('api-key-forget');
  const showForget = () => (forget.hidden = !apiKey.get());

  apiEvents.addEventListener('unauthorized', ({ detail: { error, keySent } }) => {
    // A refused key is useless: drop it so the next request does not send it again.
    if (keySent) apiKey.clear();
    const reason = `${error.message}${error.code === undefined ? '' : ` (error ${error.code})`}`;
    message.textContent = keySent ? `The API key was refused: ${reason}. Enter a valid key.` : `This server needs an API key: ${reason}.`;
    section.hidden = false;
    showForget();
    input.focus();
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    apiKey.set(key);
    input.value = '';
    message.textContent = 'Checking the key…';
    if (await onKeySaved()) {
      section.hidden = true;
      announce('API key accepted. It is kept for this browser tab only.');
    }
    showForget();
  });

  forget.addEventListener('click', () => {
    apiKey.clear();
    showForget();
    message.textContent = 'The key was forgotten. Enter a key to use the API again.';
    section.hidden = false;
    input.focus();
  });

  showForget();
}

// Wires the console's parts together; each part owns its own piece of the page.
import { initApiKeyForm } from './api-key-form.js';
import { initEnroll } from './enroll.js';
import { initRecognise } from './recognise.js';
import { initUsers } from './users.js';

const users = initUsers();
const enroll = initEnroll({
  onEnrolled: () => users.load(),
  onRecogniseAgain: () => recognise.recogniseAgain(),
});
const recognise = initRecognise({
  onResult: (response) => (response?.message === 'no_match' ? enroll.open(response) : enroll.close()),
});
initApiKeyForm({ onKeySaved: () => users.load() });

// The first request doubles as the key check: it succeeds on an open server, or asks for a key.
users.load();

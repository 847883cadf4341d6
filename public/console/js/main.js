// Wires the console's parts together; each part owns its own piece of the page.
import { initApiKeyForm } from './api-key-form.js';
import { initEnroll } from './enroll.js';
import { initRecognise } from './recognise.js';
import { initUsers } from './users.js';

const users = initUsers();
const enroll = initEnroll({
  onEnrolled: ({ reqId, name }) => {
    users.load();
    recognise.markEnrolled(reqId, name);
  },
  onRecogniseAgain: () => recognise.recogniseAgain(),
});
const recognise = initRecognise({
  // A photo of one unknown face opens the form at once; in a group photo, the Enroll button under a face does.
  onResult: (response) => {
    const faces = response?.faces ?? [];
    if (faces.length === 1 && faces[0].status === 'no_match') enroll.open(faces[0], 1);
    else enroll.close();
  },
  onEnroll: (face, number) => enroll.open(face, number, { focus: true }),
});
initApiKeyForm({ onKeySaved: () => users.load() });

// The first request doubles as the key check: it succeeds on an open server, or asks for a key.
users.load();

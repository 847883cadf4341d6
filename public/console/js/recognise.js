// Recognise: send a photo (file or webcam) to /api/v1/recognise, show it with every face found
// drawn over it (faces-overlay.js) and the outcome.
import { api } from './api.js';
import { initCamera } from './camera.js';
import { initFacesOverlay } from './faces-overlay.js';
import { announce, announceError } from './status.js';

export function initRecognise({ onResult, onEnroll }) {
  const fileInput = document.getElementById('photo-file');
  const result = document.getElementById('result');
  const image = document.getElementById('result-image');
  const outcome = document.getElementById('result-outcome');
  const facesFound = document.getElementById('result-faces');
  const overlay = initFacesOverlay({ onEnroll });
  let lastPhoto = null;
  let imageUrl = null;
  // Only the latest photo's answer is shown, whatever order the answers arrive in.
  let latestRequest = 0;

  fileInput.addEventListener('change', () => {
    const [file] = fileInput.files;
    // Cleared so that choosing the same file again (say, after its key expired) sends it again.
    fileInput.value = '';
    if (file) recognise(file);
  });
  initCamera({ onCapture: (blob) => recognise(blob) });

  async function recognise(photo) {
    const request = ++latestRequest;
    lastPhoto = photo;
    await showPhoto(photo);
    result.setAttribute('aria-busy', 'true');
    announce('Recognising the photo…');
    let response = null;
    let failure = null;
    try {
      response = await api.recogniseFaces(photo);
    } catch (error) {
      failure = error;
    }
    if (request !== latestRequest) return;
    result.removeAttribute('aria-busy');
    if (failure) {
      outcome.textContent = 'Not recognised';
      announceError(failure, 'Recognition failed');
    } else {
      showOutcome(response);
    }
    onResult(response);
  }

  async function showPhoto(photo) {
    if (imageUrl) URL.revokeObjectURL(imageUrl);
    imageUrl = URL.createObjectURL(photo);
    image.src = imageUrl;
    overlay.clear();
    outcome.textContent = 'Recognising…';
    facesFound.textContent = '–';
    result.hidden = false;
    // The boxes are placed in the image's own pixels, so its natural size must be known first.
    await image.decode().catch(() => {});
  }

  function showOutcome({ faces, faces_detected: detected }) {
    overlay.draw(faces);
    const unseen = detected - faces.length;
    facesFound.textContent = unseen > 0 ? `${detected} (${unseen} too small or too many to recognise)` : String(detected);
    const named = faces.filter((face) => face.status === 'match');
    if (faces.length === 1) {
      const [face] = faces;
      if (face.status === 'match') {
        outcome.textContent = `Match: ${face.user_info.name}`;
        announce(`Match found: ${face.user_info.name}, similarity ${face.similarity.toFixed(2)}.`);
      } else {
        outcome.textContent = 'No match';
        announce('No match. You can enroll this person with the form below.');
      }
      return;
    }
    outcome.textContent = `${named.length} recognised, ${faces.length - named.length} unknown`;
    const each = faces.map((face) => (face.status === 'match' ? `${face.user_info.name} (${face.similarity.toFixed(2)})` : 'unknown'));
    const hint = named.length < faces.length ? ' Enroll an unknown face with the Enroll button under it.' : '';
    announce(`${faces.length} faces: ${each.join(', ')}.${hint}`);
  }

  return {
    recogniseAgain: () => (lastPhoto ? recognise(lastPhoto) : Promise.resolve()),
    markEnrolled: (reqId, name) => overlay.markEnrolled(reqId, name),
  };
}

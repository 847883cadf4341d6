// Recognise: send a photo (file or webcam), show it with the detected face box and the outcome.
import { api } from './api.js';
import { initCamera } from './camera.js';
import { announce, announceError } from './status.js';

export function initRecognise({ onResult }) {
  const fileInput = document.getElementById('photo-file');
  const result = document.getElementById('result');
  const image = document.getElementById('result-image');
  const faceBox = document.getElementById('face-box');
  const outcome = document.getElementById('result-outcome');
  const similarity = document.getElementById('result-similarity');
  const faces = document.getElementById('result-faces');
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
      response = await api.recognise(photo);
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
    faceBox.hidden = true;
    outcome.textContent = 'Recognising…';
    similarity.textContent = '–';
    faces.textContent = '–';
    result.hidden = false;
    // The box is placed in the image's own pixels, so its natural size must be known first.
    await image.decode().catch(() => {});
  }

  function showOutcome(response) {
    faces.textContent = String(response.faces_detected);
    drawFaceBox(response.face?.box ?? response.enrollmentKey?.metadata?.box);
    if (response.status === 'success') {
      const name = response.user_info.name;
      const score = response.similarity.toFixed(2);
      outcome.textContent = `Match: ${name}`;
      similarity.textContent = score;
      announce(`Match found: ${name}, similarity ${score}.`);
    } else {
      outcome.textContent = 'No match';
      similarity.textContent = 'below the match threshold';
      announce('No match. You can enroll this person with the form below.');
    }
  }

  /** Percentages of the image's natural size, so the box follows the image as it is scaled. */
  function drawFaceBox(box) {
    if (!box || !image.naturalWidth) return;
    const percent = (value, total) => `${(value / total) * 100}%`;
    faceBox.style.left = percent(box.x, image.naturalWidth);
    faceBox.style.top = percent(box.y, image.naturalHeight);
    faceBox.style.width = percent(box.width, image.naturalWidth);
    faceBox.style.height = percent(box.height, image.naturalHeight);
    faceBox.hidden = false;
  }

  return {
    recogniseAgain: () => (lastPhoto ? recognise(lastPhoto) : Promise.resolve()),
  };
}

// Webcam capture: a live <video>, and a button that draws the current frame to a canvas as a JPEG.
import { announce, announceError } from './status.js';

const JPEG_QUALITY = 0.92;

export function initCamera({ onCapture }) {
  const video = document.getElementById('camera-video');
  const start = document.getElementById('camera-start');
  const capture = document.getElementById('camera-capture');
  const stop = document.getElementById('camera-stop');
  let stream = null;

  const setRunning = (running) => {
    start.disabled = running;
    capture.disabled = !running;
    stop.disabled = !running;
    video.hidden = !running;
  };

  start.addEventListener('click', async () => {
    if (!navigator.mediaDevices?.getUserMedia) {
      announceError({ message: 'this browser gives no camera access here; it needs HTTPS or localhost' }, 'Camera unavailable');
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
      video.srcObject = stream;
      setRunning(true);
      await video.play();
      announce('Camera on. Press "Capture photo" to recognise the current picture.');
      capture.focus();
    } catch (error) {
      stopStream();
      const denied = error?.name === 'NotAllowedError';
      announceError({ message: denied ? 'permission to use the camera was denied' : String(error?.message ?? error) }, 'Camera unavailable');
    }
  });

  capture.addEventListener('click', async () => {
    if (!stream || video.videoWidth === 0) return;
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d').drawImage(video, 0, 0);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY));
    if (blob) onCapture(blob);
  });

  stop.addEventListener('click', () => {
    stopStream();
    announce('Camera off.');
    start.focus();
  });

  function stopStream() {
    stream?.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
    setRunning(false);
  }
}

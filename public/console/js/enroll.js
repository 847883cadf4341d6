// Enroll a face of the last photo: the form posts add_user with that face's short-lived req_id, and
// counts down to the key's expiry so nobody types a name into a form that can no longer succeed.
import { api, serverNow } from './api.js';
import { announce, announceError } from './status.js';

const TICK_MS = 250;

export function initEnroll({ onEnrolled, onRecogniseAgain }) {
  const section = document.getElementById('enroll-section');
  const form = document.getElementById('enroll-form');
  const submit = document.getElementById('enroll-submit');
  const countdown = document.getElementById('enroll-countdown');
  const remaining = document.getElementById('enroll-remaining');
  const expiredNote = document.getElementById('enroll-expired');
  const birthdate = document.getElementById('enroll-birthdate');
  const which = document.getElementById('enroll-face');
  const nameInput = document.getElementById('enroll-name');
  let reqId = null;
  let deadline = 0;
  let timer = null;
  let warnedLastMinute = false;

  document.getElementById('enroll-again').addEventListener('click', () => onRecogniseAgain());

  /** `face`: one face of /recognise's answer that carries a key; `number`: its place in the answer. */
  function open(face, number, { focus = false } = {}) {
    stopTimer();
    reqId = face.req_id;
    which.textContent =
      face.status === 'match' ? `Face ${number}, recognised as ${face.user_info.name}: enroll this person as someone new.` : `Face ${number}: unknown.`;
    // Local deadline from the server's own clock, so a skewed browser clock does not matter.
    deadline = Date.now() + (Date.parse(face.enrollmentKey.expiresAt) - serverNow());
    // Warn once when the last minute starts; a key that starts that short needs no warning.
    warnedLastMinute = deadline - Date.now() <= 60_000;
    birthdate.max = new Date().toISOString().slice(0, 10);
    submit.disabled = false;
    countdown.hidden = false;
    expiredNote.hidden = true;
    section.hidden = false;
    tick();
    timer = setInterval(tick, TICK_MS);
    if (focus) nameInput.focus();
  }

  function close() {
    stopTimer();
    reqId = null;
    section.hidden = true;
  }

  function tick() {
    const left = deadline - Date.now();
    if (left <= 0) return expire();
    const seconds = Math.ceil(left / 1000);
    remaining.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
    remaining.dateTime = `PT${seconds}S`;
    if (seconds <= 60 && !warnedLastMinute) {
      warnedLastMinute = true;
      announce('The enrollment key expires in less than a minute.');
    }
  }

  function expire({ quietly = false } = {}) {
    stopTimer();
    reqId = null;
    submit.disabled = true;
    countdown.hidden = true;
    expiredNote.hidden = false;
    if (!quietly) announce('The enrollment key expired. Recognise the photo again to enroll this person.');
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!reqId) return;
    const fields = new FormData(form);
    const email = String(fields.get('email')).trim();
    const person = { name: String(fields.get('name')), birthdate: String(fields.get('birthdate')), req_id: reqId, ...(email ? { email } : {}) };
    submit.disabled = true;
    try {
      await api.addUser(person);
      close();
      form.reset();
      announce(`Enrolled ${person.name}.`);
      onEnrolled({ reqId: person.req_id, name: person.name });
    } catch (error) {
      announceError(error, 'Enrollment failed');
      // 404: the key was used or expired meanwhile; anything else can be corrected and resent.
      if (error.status === 404) expire({ quietly: true });
      else submit.disabled = false;
    }
  });

  function stopTimer() {
    clearInterval(timer);
    timer = null;
  }

  return { open, close };
}

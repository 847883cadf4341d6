// The faces of a photo, drawn over it: a box per face with the name and similarity, or "unknown";
// an Enroll button under each face that has a key ("Not <name>? Enroll" for a weak match); a box,
// clicked, lists that face's candidates.

/** Two decimals, as similarities are shown everywhere in the console. */
const score = (similarity) => similarity.toFixed(2);

export function initFacesOverlay({ onEnroll }) {
  const frame = document.getElementById('photo-frame');
  const image = document.getElementById('result-image');
  const details = document.getElementById('face-details');
  const detailsHeading = document.getElementById('face-details-heading');
  const candidateList = document.getElementById('candidate-list');
  const noCandidates = document.getElementById('candidates-empty');
  let drawn = [];
  let selected = null;

  /** Percentages of the image's natural size, so the boxes follow the image as it is scaled. */
  function place(element, box) {
    const percent = (value, total) => `${(value / total) * 100}%`;
    element.style.left = percent(box.x, image.naturalWidth);
    element.style.top = percent(box.y, image.naturalHeight);
    element.style.width = percent(box.width, image.naturalWidth);
    element.style.height = percent(box.height, image.naturalHeight);
  }

  function draw(faces) {
    clear();
    if (!image.naturalWidth) return;
    drawn = faces.map((face, index) => drawFace(face, index + 1));
  }

  function drawFace(face, number) {
    const element = document.createElement('div');
    element.className = 'face';
    place(element, face.box);
    const box = document.createElement('button');
    box.type = 'button';
    box.className = 'face-box';
    box.setAttribute('aria-controls', 'face-details');
    box.setAttribute('aria-expanded', 'false');
    const label = document.createElement('span');
    label.className = 'face-label';
    box.append(label);
    element.append(box);
    const entry = { face, number, element, box, label, enroll: null };
    describe(entry);
    if (face.req_id) {
      const enroll = document.createElement('button');
      enroll.type = 'button';
      enroll.className = 'face-enroll';
      if (face.status === 'match') {
        enroll.textContent = `Not ${face.user_info.name}? Enroll`;
      } else {
        enroll.textContent = 'Enroll';
        enroll.setAttribute('aria-label', `Enroll face ${number}`);
      }
      enroll.addEventListener('click', () => {
        for (const other of drawn) other.element.classList.toggle('enrolling', other === entry);
        onEnroll(face, number);
      });
      element.append(enroll);
      entry.enroll = enroll;
    }
    box.addEventListener('click', () => (selected === entry ? hideDetails() : showDetails(entry)));
    frame.append(element);
    return entry;
  }

  function describe({ face, number, box, label, element }) {
    element.classList.toggle('unknown', face.status === 'no_match');
    if (face.status === 'enrolled') {
      label.textContent = `${face.user_info.name} (enrolled)`;
      box.setAttribute('aria-label', `Face ${number}: ${face.user_info.name}, just enrolled`);
    } else if (face.status === 'match') {
      label.textContent = `${face.user_info.name} ${score(face.similarity)}`;
      box.setAttribute('aria-label', `Face ${number}: ${face.user_info.name}, similarity ${score(face.similarity)}`);
    } else {
      label.textContent = 'unknown';
      box.setAttribute('aria-label', `Face ${number}: unknown`);
    }
  }

  function showDetails(entry) {
    if (selected) selected.box.setAttribute('aria-expanded', 'false');
    selected = entry;
    for (const other of drawn) other.element.classList.toggle('selected', other === entry);
    entry.box.setAttribute('aria-expanded', 'true');
    detailsHeading.textContent = `Candidates for face ${entry.number}`;
    candidateList.replaceChildren(
      ...entry.face.candidates.map((candidate) => {
        const item = document.createElement('li');
        item.textContent = `${candidate.name}, similarity ${score(candidate.similarity)}`;
        return item;
      }),
    );
    noCandidates.hidden = entry.face.candidates.length > 0;
    details.hidden = false;
  }

  function hideDetails() {
    selected?.box.setAttribute('aria-expanded', 'false');
    selected?.element.classList.remove('selected');
    selected = null;
    details.hidden = true;
  }

  function clear() {
    hideDetails();
    for (const { element } of drawn) element.remove();
    drawn = [];
  }

  /** After add_user took a face's key: the face shows the new name, and its key is gone. */
  function markEnrolled(reqId, name) {
    const entry = drawn.find(({ face }) => face.req_id === reqId);
    if (!entry) return;
    entry.face = { ...entry.face, status: 'enrolled', user_info: { name }, req_id: undefined };
    entry.enroll?.remove();
    entry.enroll = null;
    entry.element.classList.remove('enrolling');
    describe(entry);
  }

  return { draw, clear, markEnrolled };
}

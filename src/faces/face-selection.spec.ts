import { embeddableByProminence, faceProminence, MIN_FACE_SIZE_PX } from './face-selection.js';

describe('faceProminence', () => {
  it('prefers the centred subject of an LFW photo to a slightly bigger bystander cut by the edge', () => {
    // Boxes the detector gives on Julianna_Margulies_0002 (250x250): the subject, then a bystander at the right edge.
    const subject = faceProminence({ x: 79, y: 56, width: 93, height: 130 }, 250, 250);
    const bystander = faceProminence({ x: 164, y: 43, width: 96, height: 142 }, 250, 250);
    expect(subject).toBeGreaterThan(bystander);
  });

  it('keeps a close-up whose chin is cut ahead of small faces in the background', () => {
    const closeUp = faceProminence({ x: 300, y: 200, width: 700, height: 900 }, 1280, 960);
    const background = faceProminence({ x: 1100, y: 100, width: 80, height: 100 }, 1280, 960);
    expect(closeUp).toBeGreaterThan(background);
  });

  it('ranks two whole faces at the same distance from the centre by size', () => {
    expect(faceProminence({ x: 100, y: 100, width: 200, height: 200 }, 1000, 1000)).toBeGreaterThan(
      faceProminence({ x: 750, y: 750, width: 100, height: 100 }, 1000, 1000),
    );
  });
});

describe('embeddableByProminence', () => {
  const face = (x: number, y: number, side: number) => ({ box: { x, y, width: side, height: side } });

  it('orders faces most prominent first, and keeps their own objects', () => {
    const centre = face(450, 450, 100);
    const corner = face(100, 100, 200);
    const small = face(850, 850, 60);
    const ranked = embeddableByProminence([small, corner, centre], 1000, 1000);
    expect(ranked).toEqual([centre, corner, small]);
    expect(ranked[0]).toBe(centre);
  });

  it('leaves out faces under MIN_FACE_SIZE_PX on their longer side, even central ones', () => {
    const tinyCentral = face(490, 490, MIN_FACE_SIZE_PX - 1);
    const justBigEnough = { box: { x: 0, y: 0, width: 20, height: MIN_FACE_SIZE_PX } };
    expect(embeddableByProminence([tinyCentral, justBigEnough], 1000, 1000)).toEqual([justBigEnough]);
    expect(embeddableByProminence([tinyCentral], 1000, 1000)).toEqual([]);
  });
});

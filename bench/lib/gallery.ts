import { lfwPhoto } from './photos.js';
import { imageForm, mapConcurrent, RunningServer } from './server.js';

/** Enrolls each person's first LFW photo through add_user, as a client would (duplicates get their 409). */
export async function enrollFirstPhotos(server: RunningServer, people: { person: string; files: string[] }[]): Promise<void> {
  await mapConcurrent(people, 4, ({ person, files }) =>
    fetch(`${server.url}/api/v1/add_user`, {
      method: 'POST',
      body: imageForm(lfwPhoto(person, files[0]), { name: person, birthdate: '1980-01-01' }),
    }),
  );
}

/** Faces the server holds, from its gallery gauge on /metrics. */
export async function storedFaces(server: RunningServer): Promise<number> {
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  return Number(/^face_matrix_gallery_faces\S* (\d+)/m.exec(metrics)?.[1]);
}

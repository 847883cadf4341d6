import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** One person of the batch: a sub-folder of the photo folder and its photos, in enrollment order. */
export interface PersonFolder {
  /** The folder's name, the person's key in the state file. */
  folder: string;
  /** The name sent to the API: the folder name with underscores as spaces. */
  name: string;
  /** File names (not paths), sorted. */
  photos: string[];
}

export interface PhotoFolderScan {
  root: string;
  people: PersonFolder[];
  photoCount: number;
  /** Files skipped: not an image by extension, hidden, or lying beside the person folders. */
  ignoredFiles: number;
}

// The API takes JPEG, PNG and WebP (sniffed by content); the extension only picks what to send.
const imageExtensions = new Set(['.jpg', '.jpeg', '.png', '.webp']);

// Numeric collation, so photo2 comes before photo10; a fixed locale keeps the order the same on every machine.
const byName = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' }).compare;

export const isImageFileName = (fileName: string) => !fileName.startsWith('.') && imageExtensions.has(path.extname(fileName).toLowerCase());

export const personNameOf = (folder: string) => folder.replace(/_/g, ' ').replace(/\s+/g, ' ').trim();

/** `<root>/<Person>/<photo>`: people sorted by folder name, photos by file name; folders without photos are left out. */
export async function scanPhotoFolders(root: string): Promise<PhotoFolderScan> {
  const entries = await readdir(root, { withFileTypes: true });
  const people: PersonFolder[] = [];
  let ignoredFiles = 0;
  let photoCount = 0;
  for (const entry of entries.sort((a, b) => byName(a.name, b.name))) {
    if (entry.name.startsWith('.')) continue;
    if ((await kindOf(root, entry)) !== 'directory') {
      ignoredFiles++;
      continue;
    }
    const files = await readdir(path.join(root, entry.name), { withFileTypes: true });
    const photos: string[] = [];
    for (const file of files) {
      const kind = await kindOf(path.join(root, entry.name), file);
      if (kind === 'file' && isImageFileName(file.name)) photos.push(file.name);
      else if (kind !== 'directory') ignoredFiles++;
    }
    if (photos.length === 0) continue;
    photos.sort(byName);
    photoCount += photos.length;
    people.push({ folder: entry.name, name: personNameOf(entry.name), photos });
  }
  return { root, people, photoCount, ignoredFiles };
}

/** Follows symbolic links; a broken link is neither. */
async function kindOf(parent: string, entry: Dirent): Promise<'file' | 'directory' | undefined> {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'directory';
  if (!entry.isSymbolicLink()) return undefined;
  const target = await stat(path.join(parent, entry.name)).catch(() => undefined);
  return target?.isFile() ? 'file' : target?.isDirectory() ? 'directory' : undefined;
}

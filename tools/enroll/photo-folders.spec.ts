import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isImageFileName, personNameOf, scanPhotoFolders } from './photo-folders.js';

describe('scanPhotoFolders', () => {
  let root: string;
  const file = async (relative: string, text = 'x') => {
    await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
    await writeFile(path.join(root, relative), text);
  };

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'enroll-scan-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('lists people by folder name and their photos by name, numbers in numeric order', async () => {
    await file('Zoe_Zed/z_10.jpg');
    await file('Zoe_Zed/z_2.JPG');
    await file('Zoe_Zed/z_1.webp');
    await file('Aaron_Peirsol/Aaron_Peirsol_0002.jpg');
    await file('Aaron_Peirsol/Aaron_Peirsol_0001.png');
    const scan = await scanPhotoFolders(root);
    expect(scan.people).toEqual([
      { folder: 'Aaron_Peirsol', name: 'Aaron Peirsol', photos: ['Aaron_Peirsol_0001.png', 'Aaron_Peirsol_0002.jpg'] },
      { folder: 'Zoe_Zed', name: 'Zoe Zed', photos: ['z_1.webp', 'z_2.JPG', 'z_10.jpg'] },
    ]);
    expect(scan.photoCount).toBe(5);
    expect(scan.ignoredFiles).toBe(0);
  });

  it('ignores hidden files and folders, non-images, stray root files, nested folders and people without photos', async () => {
    await file('Ann/.DS_Store');
    await file('Ann/._Ann_0001.jpg');
    await file('Ann/notes.txt');
    await file('Ann/Ann_0001.jpeg');
    await file('Ann/nested/Ann_0009.jpg');
    await file('.hidden_person/h.jpg');
    await file('README.txt');
    await file('Empty_Person/info.json');
    const scan = await scanPhotoFolders(root);
    expect(scan.people).toEqual([{ folder: 'Ann', name: 'Ann', photos: ['Ann_0001.jpeg'] }]);
    expect(scan.ignoredFiles).toBe(5);
  });

  it('follows symbolic links to photos and person folders, and skips broken ones', async () => {
    await file('store/Bo_0001.jpg');
    await mkdir(path.join(root, 'people'));
    const people = path.join(root, 'people');
    await mkdir(path.join(people, 'Bo'));
    await symlink(path.join(root, 'store/Bo_0001.jpg'), path.join(people, 'Bo/Bo_0001.jpg'));
    await symlink(path.join(root, 'nowhere.jpg'), path.join(people, 'Bo/Bo_0002.jpg'));
    await symlink(path.join(people, 'Bo'), path.join(people, 'Bo_Link'));
    const scan = await scanPhotoFolders(people);
    expect(scan.people.map((person) => [person.folder, person.photos])).toEqual([
      ['Bo', ['Bo_0001.jpg']],
      ['Bo_Link', ['Bo_0001.jpg']],
    ]);
    expect(scan.ignoredFiles).toBe(2);
  });

  it('fails on a folder that does not exist', async () => {
    await expect(scanPhotoFolders(path.join(root, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});

describe('photo and person names', () => {
  it.each([
    ['a.jpg', true],
    ['a.JPEG', true],
    ['a.png', true],
    ['a.webp', true],
    ['a.gif', false],
    ['a.jpg.txt', false],
    ['.a.jpg', false],
    ['jpg', false],
  ])('%s is a photo: %s', (name, expected) => {
    expect(isImageFileName(name)).toBe(expected);
  });

  it('turns underscores into single spaces', () => {
    expect(personNameOf('Jean_Claude__Van_Damme_')).toBe('Jean Claude Van Damme');
  });
});

import { mkdir, readFile, writeFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomToken } from '../domain/ids.ts';

export interface StoredMedia { url: string; mimeType: string; fileName: string; size: number }

const TOKEN = /^[A-Za-z0-9_-]{22}$/;

/** Files uploaded through the API, kept under the data directory and served at unguessable URLs. */
export class MediaStore {
  constructor(private readonly dir: string, private readonly publicUrl: string) {}

  async save(content: Buffer, mimeType: string, fileName: string): Promise<StoredMedia> {
    await mkdir(this.dir, { recursive: true });
    const token = randomToken();
    const safeName = fileName.replace(/[^\w.\- ]+/g, '_').slice(0, 200) || 'file';
    // Written to a temporary name then renamed, and fsynced by writeFile's flush, so a 2xx never points at a partial file.
    try {
      await writeFile(join(this.dir, `${token}.tmp`), content, { flush: true });
      await writeFile(join(this.dir, `${token}.json`), JSON.stringify({ mimeType, fileName: safeName }), { flush: true });
      await rename(join(this.dir, `${token}.tmp`), join(this.dir, token));
    } catch (error) {
      // A full disk (ENOSPC) leaves a partial file behind: give its space back. The error itself answers 503.
      await Promise.all([`${token}.tmp`, `${token}.json`].map((name) => rm(join(this.dir, name), { force: true }).catch(() => {})));
      throw error;
    }
    return { url: `${this.publicUrl}/media/${token}/${encodeURIComponent(safeName)}`, mimeType, fileName: safeName, size: content.length };
  }

  async load(token: string): Promise<{ content: Buffer; mimeType: string; fileName: string } | null> {
    if (!TOKEN.test(token)) return null;
    try {
      const [content, meta] = await Promise.all([readFile(join(this.dir, token)), readFile(join(this.dir, `${token}.json`), 'utf8')]);
      const { mimeType, fileName } = JSON.parse(meta) as { mimeType: string; fileName: string };
      return { content, mimeType, fileName };
    } catch {
      return null;
    }
  }
}

import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomToken } from '../domain/ids.ts';

export interface StoredMedia {
  token: string;
  url: string;
  mimeType: string;
  fileName: string;
  size: number;
}

/** A file as it arrived in a request, not yet stored. */
export interface IncomingFile {
  content: Buffer;
  mimeType: string;
  fileName: string;
}

const TOKEN = /^[A-Za-z0-9_-]{22}$/;
/** Longest stored file name; the media URL carries it, so it also bounds the URL's length. */
export const MAX_FILE_NAME = 200;

/** Files uploaded through the API, kept under the data directory and served at unguessable URLs. */
export class MediaStore {
  constructor(
    private readonly dir: string,
    private readonly publicUrl: string,
  ) {}

  async save(content: Buffer, mimeType: string, fileName: string): Promise<StoredMedia> {
    await mkdir(this.dir, { recursive: true });
    const token = randomToken();
    const safeName = fileName.replace(/[^\w.\- ]+/g, '_').slice(0, MAX_FILE_NAME) || 'file';
    // Written to a temporary name then renamed, and fsynced by writeFile's flush, so a 2xx never points at a partial file.
    try {
      await writeFile(join(this.dir, `${token}.tmp`), content, { flush: true });
      await writeFile(join(this.dir, `${token}.json`), JSON.stringify({ mimeType, fileName: safeName }), { flush: true });
      await rename(join(this.dir, `${token}.tmp`), join(this.dir, token));
    } catch (error) {
      await this.remove(token);
      throw error;
    }
    return { token, url: `${this.publicUrl}/media/${token}/${encodeURIComponent(safeName)}`, mimeType, fileName: safeName, size: content.length };
  }

  /**
   * Stores `file` (when there is one) for `use`, and deletes it again when `use` throws or
   * `keep` declines the result (a duplicate that created nothing): nothing refused leaves a file.
   */
  async holding<T>(
    file: IncomingFile | null | undefined,
    fileName: string | undefined,
    use: (stored: StoredMedia | null) => Promise<T>,
    keep: (result: T) => boolean = () => true,
  ): Promise<T> {
    if (!file) return use(null);
    const stored = await this.save(file.content, file.mimeType, fileName ?? file.fileName);
    let result: T;
    try {
      result = await use(stored);
    } catch (error) {
      await this.remove(stored.token);
      throw error;
    }
    if (!keep(result)) await this.remove(stored.token);
    return result;
  }

  async remove(token: string): Promise<void> {
    if (!TOKEN.test(token)) return;
    await Promise.all([token, `${token}.tmp`, `${token}.json`].map((name) => rm(join(this.dir, name), { force: true })));
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

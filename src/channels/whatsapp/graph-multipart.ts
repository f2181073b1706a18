import { randomBytes } from 'node:crypto';

/** A multipart/form-data body of text fields and one file, as Meta's media upload takes it. */
export function multipartForm(fields: Record<string, string>, file: { field: string; fileName: string; mimeType: string; bytes: Buffer }) {
  const boundary = `----conversas-${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = Object.entries(fields).map(([name, value]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
  );
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${quotable(file.fileName)}"\r\nContent-Type: ${headerSafe(file.mimeType)}\r\n\r\n`,
    ),
    file.bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A file name inside a quoted header parameter, escaped the way browsers do (WHATWG form encoding). */
function quotable(name: string): string {
  return name.replaceAll('"', '%22').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

function headerSafe(value: string): string {
  return value.replace(/[\r\n]/g, '');
}

/**
 * A tar archive (POSIX ustar) of a few files in one folder, built in memory: how the capstone hands
 * over its checkpoint as one download. `tar xf` unpacks it on Linux, macOS and Windows 10+. Each
 * entry is a 512-byte header (name, mode, size and time as octal text, a checksum) followed by
 * its bytes padded to 512; two zero blocks end the archive.
 */
const BLOCK = 512;

/** `value` as `width − 1` octal digits and a NUL, as ustar numeric fields are written. */
function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, size: number, type: '0' | '5', mtime: number): Uint8Array {
  const h = new Uint8Array(BLOCK);
  const put = (offset: number, text: string) => {
    const bytes = new TextEncoder().encode(text);
    h.set(bytes, offset);
  };
  const nameBytes = new TextEncoder().encode(name);
  if (nameBytes.length > 100) throw new Error(`tar: the name ${name} is longer than 100 bytes`);
  put(0, name);
  put(100, octal(type === '5' ? 0o755 : 0o644, 8)); // mode
  put(108, octal(0, 8)); // uid
  put(116, octal(0, 8)); // gid
  put(124, octal(size, 12));
  put(136, octal(mtime, 12));
  put(148, '        '); // the checksum counts its own field as eight spaces
  put(156, type);
  put(257, 'ustar\u000000'); // magic "ustar\0", version "00"
  let sum = 0;
  for (const b of h) sum += b;
  put(148, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

/**
 * The bytes of a tar archive holding `folder/` and, inside it, each of `files` (name → text or
 * bytes). `mtime` is in seconds since 1970 (default: now).
 */
export function tarFolder(
  folder: string,
  files: Record<string, string | Uint8Array>,
  mtime = Math.floor(Date.now() / 1000),
): Uint8Array {
  const parts: Uint8Array[] = [header(`${folder}/`, 0, '5', mtime)];
  for (const [name, content] of Object.entries(files)) {
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    parts.push(header(`${folder}/${name}`, bytes.length, '0', mtime), bytes);
    const pad = (BLOCK - (bytes.length % BLOCK)) % BLOCK;
    if (pad > 0) parts.push(new Uint8Array(pad));
  }
  parts.push(new Uint8Array(2 * BLOCK));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

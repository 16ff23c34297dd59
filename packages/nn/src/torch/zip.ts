/**
 * The zip container `torch.save` writes (PyTorch ≥ 1.6): entries stored uncompressed, each entry's
 * data starting on a 64-byte boundary (PyTorch pads the local header's extra field to get there, so
 * that storages can be memory-mapped), a central directory, and the end record. Only what that
 * needs: stored entries, no zip64 (archives under 4 GiB), no encryption.
 */
import { crc32 } from './crc32.js';
import { TorchCheckpointError } from './errors.js';

/** Where each entry's data starts: a multiple of this many bytes from the file's start. */
export const ZIP_ALIGNMENT = 64;

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const LOCAL_BYTES = 30;
const CENTRAL_BYTES = 46;
const END_BYTES = 22;
/** 1980-01-01 00:00 in MS-DOS form: a fixed stamp, so the same content gives the same bytes. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
/** The extra field's id PyTorch pads with ('FB'). */
const PAD_ID = 0x4246;
const MAX_32 = 0xffffffff;

/** One file of an archive. */
export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

/** The bytes of a zip holding `entries` in order, stored, each entry's data 64-byte aligned. */
export function writeZip(entries: readonly ZipEntry[]): Uint8Array {
  const encoder = new TextEncoder();
  const names = entries.map((e) => encoder.encode(e.name));
  const locals: { offset: number; pad: number; crc: number }[] = [];
  let offset = 0;
  for (let i = 0; i < entries.length; i++) {
    const start = offset + LOCAL_BYTES + names[i].length;
    let pad = (ZIP_ALIGNMENT - (start % ZIP_ALIGNMENT)) % ZIP_ALIGNMENT;
    if (pad > 0 && pad < 4) pad += ZIP_ALIGNMENT; // an extra field needs its 4-byte header
    locals.push({ offset, pad, crc: crc32(entries[i].data) });
    offset = start + pad + entries[i].data.length;
  }
  const centralStart = offset;
  const centralBytes = names.reduce((n, name) => n + CENTRAL_BYTES + name.length, 0);
  const total = centralStart + centralBytes + END_BYTES;
  if (total > MAX_32 || entries.length > 0xffff) {
    throw new TorchCheckpointError(
      `the archive would be ${total} bytes in ${entries.length} entries; Dendrite writes zips under 4 GiB and 65,535 entries (no zip64)`,
    );
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  for (let i = 0; i < entries.length; i++) {
    const { offset: at, pad, crc } = locals[i];
    const size = entries[i].data.length;
    view.setUint32(at, LOCAL, true);
    view.setUint16(at + 4, 20, true); // version needed: 2.0
    view.setUint16(at + 6, 0, true); // flags
    view.setUint16(at + 8, 0, true); // stored
    view.setUint16(at + 10, 0, true); // time
    view.setUint16(at + 12, DOS_DATE, true);
    view.setUint32(at + 14, crc, true);
    view.setUint32(at + 18, size, true);
    view.setUint32(at + 22, size, true);
    view.setUint16(at + 26, names[i].length, true);
    view.setUint16(at + 28, pad, true);
    out.set(names[i], at + LOCAL_BYTES);
    const extra = at + LOCAL_BYTES + names[i].length;
    if (pad > 0) {
      view.setUint16(extra, PAD_ID, true);
      view.setUint16(extra + 2, pad - 4, true);
      out.fill(0x5a, extra + 4, extra + pad); // 'Z', as PyTorch pads
    }
    out.set(entries[i].data, extra + pad);
  }
  let at = centralStart;
  for (let i = 0; i < entries.length; i++) {
    const size = entries[i].data.length;
    view.setUint32(at, CENTRAL, true);
    view.setUint16(at + 4, 20, true); // made by
    view.setUint16(at + 6, 20, true); // needed
    view.setUint16(at + 8, 0, true);
    view.setUint16(at + 10, 0, true);
    view.setUint16(at + 12, 0, true);
    view.setUint16(at + 14, DOS_DATE, true);
    view.setUint32(at + 16, locals[i].crc, true);
    view.setUint32(at + 20, size, true);
    view.setUint32(at + 24, size, true);
    view.setUint16(at + 28, names[i].length, true);
    // extra, comment, disk, internal and external attributes: 0
    view.setUint32(at + 42, locals[i].offset, true);
    out.set(names[i], at + CENTRAL_BYTES);
    at += CENTRAL_BYTES + names[i].length;
  }
  view.setUint32(at, END, true);
  view.setUint16(at + 8, entries.length, true);
  view.setUint16(at + 10, entries.length, true);
  view.setUint32(at + 12, centralBytes, true);
  view.setUint32(at + 16, centralStart, true);
  return out;
}

/**
 * The entries of a zip, by name, in central-directory order; each is a view of `bytes` (no copy).
 * Throws a {@link TorchCheckpointError} for anything but a well-formed archive of stored entries.
 */
export function readZip(bytes: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < END_BYTES || view.getUint32(0, true) !== LOCAL) {
    throw new TorchCheckpointError(
      'not a zip archive (torch.save has written zips since PyTorch 1.6; an older, legacy-format checkpoint must be re-saved with a current PyTorch)',
    );
  }
  let end = -1;
  for (let i = bytes.length - END_BYTES; i >= Math.max(0, bytes.length - END_BYTES - 0xffff); i--) {
    if (view.getUint32(i, true) === END) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new TorchCheckpointError('the zip has no end record (a truncated file?)');
  const count = view.getUint16(end + 10, true);
  const centralStart = view.getUint32(end + 16, true);
  if (count === 0xffff || centralStart === MAX_32) {
    throw new TorchCheckpointError('the zip is a zip64 archive (over 4 GiB), which Dendrite does not read');
  }
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const entries = new Map<string, Uint8Array>();
  let at = centralStart;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_BYTES > end || view.getUint32(at, true) !== CENTRAL) {
      throw new TorchCheckpointError(`the zip's central directory is damaged at entry ${i} (byte ${at})`);
    }
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const compressed = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const skip = nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const name = decoder.decode(bytes.subarray(at + CENTRAL_BYTES, at + CENTRAL_BYTES + nameLength));
    at += CENTRAL_BYTES + skip;
    if (size === MAX_32 || local === MAX_32) {
      throw new TorchCheckpointError(
        `zip entry '${name}' is a zip64 entry (over 4 GiB), which Dendrite does not read`,
      );
    }
    if (method !== 0 || compressed !== size) {
      throw new TorchCheckpointError(
        `zip entry '${name}' is compressed (method ${method}); torch.save stores its entries uncompressed`,
      );
    }
    if (local + LOCAL_BYTES > bytes.length || view.getUint32(local, true) !== LOCAL) {
      throw new TorchCheckpointError(`zip entry '${name}': no local header at byte ${local}`);
    }
    const start = local + LOCAL_BYTES + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (start + size > bytes.length) {
      throw new TorchCheckpointError(
        `zip entry '${name}' needs bytes ${start}–${start + size} but the file has ${bytes.length} (truncated?)`,
      );
    }
    const data = bytes.subarray(start, start + size);
    if (crc32(data) !== crc) {
      throw new TorchCheckpointError(`zip entry '${name}' fails its CRC-32 check (the file is damaged)`);
    }
    entries.set(name, data);
  }
  return entries;
}

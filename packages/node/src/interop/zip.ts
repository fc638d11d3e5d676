/**
 * Reading a zip archive (a Keras .keras file) and checking it as Python's zipfile.testzip() does:
 * every member's CRC-32 and sizes against the central directory, names that stay inside the
 * archive, sizes bounded before anything is inflated. fflate checks none of this (a bit flip in a
 * deflated member loaded silently), so the archive is walked here and inflated by node:zlib.
 */
import * as zlib from "node:zlib";

const EOCD = 0x06054b50,
  ZIP64_LOCATOR = 0x07064b50,
  ZIP64_EOCD = 0x06064b50,
  CENTRAL = 0x02014b50,
  LOCAL = 0x04034b50;

let table: Uint32Array | null = null;
/** CRC-32 (zlib's polynomial); node:zlib has one from Node 20.15 on. */
function crc32(data: Uint8Array): number {
  const native = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
  if (native) return native(data) >>> 0;
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Why a member name would leave the archive (absolute, a drive, '..', a backslash), or null when it stays inside. */
function nameProblem(name: string): string | null {
  if (name === "" || name.includes("\0")) return "an empty name or one with a NUL byte";
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return "an absolute path";
  if (name.includes("\\")) return "a backslash (a Windows path)";
  if (name.split("/").includes("..")) return "'..', which leaves the archive";
  return null;
}

export interface ZipLimits {
  /** The most bytes all members may inflate to together. */
  maxTotal: number;
}

/**
 * The members of the zip archive in `bytes` (directories left out), each checked against the
 * central directory: sizes, CRC-32, compression (stored or deflate), no encryption, names inside
 * the archive and unique. Every problem is an error naming `who`, the member and what was wrong.
 */
export function readZip(bytes: Uint8Array, who: string, limits: ZipLimits): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  const u64 = (at: number) => Number(view.getBigUint64(at, true));
  const corrupt = (what: string): never => {
    throw new Error(`${who}: not a valid zip archive (${what})`);
  };
  const within = (at: number, length: number, what: string) => {
    if (at < 0 || length < 0 || at + length > bytes.length) corrupt(`${what} at byte ${at} runs past the end of the ${bytes.length}-byte file`);
  };
  // the end-of-central-directory record, within the last 64 KiB (its comment's longest)
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--)
    if (u32(at) === EOCD) {
      eocd = at;
      break;
    }
  if (eocd < 0) corrupt("no end-of-central-directory record: truncated?");
  let count = u16(eocd + 10),
    cdSize = u32(eocd + 12),
    cdOffset = u32(eocd + 16);
  if (eocd >= 20 && u32(eocd - 20) === ZIP64_LOCATOR) {
    const at = u64(eocd - 12);
    within(at, 56, "the zip64 end-of-central-directory record");
    if (u32(at) !== ZIP64_EOCD) corrupt(`no zip64 end-of-central-directory record at byte ${at}`);
    [count, cdSize, cdOffset] = [u64(at + 32), u64(at + 40), u64(at + 48)];
  }
  within(cdOffset, cdSize, "the central directory");
  if (count > cdSize / 46) corrupt(`${count} members cannot fit a central directory of ${cdSize} bytes`);
  const files = new Map<string, Uint8Array>();
  let total = 0;
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    within(at, 46, `central directory entry ${i}`);
    if (u32(at) !== CENTRAL) corrupt(`central directory entry ${i} at byte ${at} has no signature`);
    const [flags, method, crc] = [u16(at + 8), u16(at + 10), u32(at + 16)];
    let [size, stored, local] = [u32(at + 24), u32(at + 20), u32(at + 42)];
    const [nameLength, extraLength, commentLength] = [u16(at + 28), u16(at + 30), u16(at + 32)];
    within(at + 46, nameLength + extraLength + commentLength, `central directory entry ${i}'s name`);
    const name = Buffer.from(bytes.subarray(at + 46, at + 46 + nameLength)).toString(flags & 0x800 ? "utf8" : "latin1");
    // zip64: the sizes and offset that do not fit 32 bits follow in extra field 0x0001, in this order
    const extraEnd = at + 46 + nameLength + extraLength;
    for (let e = at + 46 + nameLength; e + 4 <= extraEnd; e += 4 + u16(e + 2)) {
      if (u16(e) !== 1) continue;
      let f = e + 4;
      const next = () => {
        if (f + 8 > Math.min(e + 4 + u16(e + 2), extraEnd)) corrupt(`member '${name}' has a short zip64 extra field`);
        f += 8;
        return u64(f - 8);
      };
      if (size === 0xffffffff) size = next();
      if (stored === 0xffffffff) stored = next();
      if (local === 0xffffffff) local = next();
    }
    at += 46 + nameLength + extraLength + commentLength;
    const problem = nameProblem(name);
    if (problem) throw new Error(`${who}: member '${name}' of the archive has ${problem}; every member must stay inside the archive`);
    if (files.has(name)) throw new Error(`${who}: the archive holds two members named '${name}'`);
    if (flags & 1) throw new Error(`${who}: member '${name}' is encrypted, which kerno cannot read`);
    if (method !== 0 && method !== 8) throw new Error(`${who}: member '${name}' uses compression method ${method}; expected 0 (stored) or 8 (deflate)`);
    if (method === 0 && stored !== size) corrupt(`member '${name}' is stored but its sizes differ (${stored} and ${size} bytes)`);
    total += size;
    if (total > limits.maxTotal)
      throw new Error(
        `${who}: the archive's members inflate to more than ${limits.maxTotal} bytes (at member '${name}', ${size} bytes): expected a size in proportion to the file`,
      );
    within(local, 30, `member '${name}''s local header`);
    if (u32(local) !== LOCAL) corrupt(`member '${name}' has no local header at byte ${local}`);
    const localName = Buffer.from(bytes.subarray(local + 30, local + 30 + u16(local + 26))).toString(flags & 0x800 ? "utf8" : "latin1");
    if (localName !== name || u16(local + 8) !== method) corrupt(`member '${name}''s local header says '${localName}', method ${u16(local + 8)}`);
    const start = local + 30 + u16(local + 26) + u16(local + 28);
    within(start, stored, `member '${name}''s ${stored} bytes`);
    if (name.endsWith("/")) continue;
    const raw = bytes.subarray(start, start + stored);
    let data: Uint8Array;
    if (method === 0) data = raw;
    else {
      try {
        data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, size) });
      } catch (err) {
        throw new Error(`${who}: member '${name}' does not inflate to its declared ${size} bytes (${(err as Error).message})`);
      }
    }
    if (data.length !== size) throw new Error(`${who}: member '${name}' holds ${data.length} bytes, the central directory says ${size}`);
    const actual = crc32(data);
    if (actual !== crc)
      throw new Error(
        `${who}: member '${name}' is corrupt: CRC-32 ${actual.toString(16).padStart(8, "0")}, the central directory says ${crc.toString(16).padStart(8, "0")}`,
      );
    files.set(name, data);
  }
  return files;
}

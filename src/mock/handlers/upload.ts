/**
 * Uploads as PVE takes them: the HTTP front (pve-http-server) streams the multipart file part to a temporary file
 * and hands the API handler its name as `tmpfilename`; the handler (pve-storage's `upload`) checks the storage and
 * content type, then a task (`imgcopy`) verifies the checksum and moves the file into place. The mock keeps no
 * bytes: what it received is its size and, when a checksum algorithm came before the file, its digest.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type FilePart, RequestError } from '../../server';
import { badParams, fail } from '../mock-error';
import type { Volume } from '../state';
import { type HandlerTable, now, str } from './context';
import { storageAt } from './storage';

interface Received {
  size: number;
  algorithm?: string;
  digest?: string;
}

const ALGORITHMS = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']);

/** What the front received, by the temporary file name it gave the request; taken by the handler. */
const received = new Map<string, Received>();

/** Per content type: the file name PVE accepts, the directory under the storage and the volume's format. */
const CONTENT: Record<string, { pattern: RegExp; dir: string; message: string; format: (m: RegExpExecArray) => string }> = {
  iso: { pattern: /[^/]+\.(iso|img)$/i, dir: 'template/iso', message: 'wrong file extension', format: () => 'iso' },
  vztmpl: { pattern: /[^/]+\.tar\.(gz|xz|zst|bz2)$/, dir: 'template/cache', message: 'wrong file extension', format: (m) => `t${m[1]}` },
  import: { pattern: /^[-\w.+]+\.(ova|ovf|qcow2|raw|vmdk)$/, dir: 'import', message: 'invalid filename or wrong extension', format: (m) => m[1] },
};

/**
 * The file part of a multipart request, read to its end: hashed with the `checksum-algorithm` field sent before
 * it (as Proxmox's parser requires), counted, then discarded. `fields` are the request's parameters so far; they
 * get `filename` (the part's) and `tmpfilename`, as pve-http-server passes them on.
 */
export async function receiveUpload(part: FilePart, fields: Record<string, unknown>): Promise<void> {
  if (part.name !== 'filename') throw new RequestError(500, `wrong field name '${part.name}' for file upload, expected 'filename'`);
  if ('tmpfilename' in fields) throw new RequestError(500, "'tmpfilename' query parameter is not allowed for file uploads");
  const algorithm = str(fields['checksum-algorithm']);
  const hash: Hash | undefined = algorithm && ALGORITHMS.has(algorithm) ? createHash(algorithm) : undefined;
  let size = 0;
  await pipeline(
    part.stream,
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        hash?.update(chunk);
        callback();
      },
    }),
  );
  const tmpfilename = `/var/tmp/pveupload-${randomBytes(16).toString('hex')}`;
  received.set(tmpfilename, { size, algorithm, digest: hash?.digest('hex') });
  fields.filename = part.filename;
  fields.tmpfilename = tmpfilename;
}

/** The paths whose requests may carry a file, as pve-manager's HTTP server marks them (`isUpload`). */
export const isUploadPath = (path: string): boolean => /^\/nodes\/[^/]+\/storage\/[^/]+\/upload$/.test(path);

/** Forget an upload the request did not use (it failed validation, or a permission check). */
export function forgetUpload(fields: Record<string, unknown>): void {
  if (typeof fields.tmpfilename === 'string') received.delete(fields.tmpfilename);
}

/** PVE's normalize_content_filename: characters outside a safe set become '_'. */
const normalized = (name: string): string => name.replace(/[^-\w.+]/g, '_');

type Ctx = Parameters<HandlerTable[string]>[0];

/** Where a file for `content` lands on the storage, checked as pve-storage checks it before any byte moves. */
function fileTarget(ctx: Ctx, verb: string) {
  const s = storageAt(ctx.state, ctx.params.storage);
  if (!s.path) throw fail(`can't ${verb} to storage type '${s.type}'`);
  const content = String(ctx.args.content);
  const filename = normalized(String(ctx.args.filename));
  const kind = CONTENT[content];
  if (!kind) throw badParams({ content: `${verb} content type '${content}' not allowed` });
  const m = kind.pattern.exec(filename);
  if (!m) throw badParams({ filename: kind.message });
  if (!s.content.split(',').includes(content)) throw fail(`storage '${s.storage}' does not support '${content}' content`);
  const volid = `${s.storage}:${content}/${filename}`;
  const volume = (size: number, digest?: { algorithm?: string; digest?: string }): Volume => ({
    volid,
    content,
    format: kind.format(m),
    size,
    ctime: now(),
    ...(digest?.algorithm && digest.digest ? { checksum: `${digest.algorithm}:${digest.digest}` } : {}),
  });
  // PVE overwrites a file of the same name: the old volume goes, the new one comes when the task ends.
  const effects = (v: Volume) => ({ end: [{ op: 'free' as const, node: ctx.params.node, volids: [volid] }, { op: 'add-volume' as const, storage: s.storage, node: ctx.params.node, volume: v }] });
  return { dest: `${s.path}/${kind.dir}/${filename}`, filename, volume, effects };
}

export const uploadHandlers: HandlerTable = {
  'POST /nodes/{node}/storage/{storage}/upload': (ctx) => {
    const tmp = str(ctx.args.tmpfilename);
    if (!tmp) throw fail('missing temporary file name');
    const file = received.get(tmp);
    received.delete(tmp);
    const { dest, volume, effects } = fileTarget(ctx, 'upload');
    if (!file) throw fail(`temporary file '${tmp}' does not exist`);
    const log = [`starting file import from: ${tmp}`];
    const expected = str(ctx.args.checksum);
    if (file.algorithm && expected !== undefined) {
      if (file.digest?.toLowerCase() !== expected.toLowerCase()) {
        const message = `checksum mismatch: got '${file.digest}' != expect '${expected}'`;
        return ctx.task({ node: ctx.params.node, type: 'imgcopy', id: '', log: [...log, 'calculating checksum...', ''], exitstatus: message });
      }
      log.push('calculating checksum...OK, checksum verified');
    }
    log.push(`target node: ${ctx.params.node}`, `target file: ${dest}`, `file size is: ${file.size}`, `command: cp -- ${tmp} ${dest}`, 'finished file import successfully');
    return ctx.task({ node: ctx.params.node, type: 'imgcopy', id: '', log, effects: effects(volume(file.size, file)) });
  },

  /**
   * The mock reaches no network: it downloads nothing and takes the file's content to be the URL's own text
   * (UTF-8), so the size and any checksum are those of that text. A checksum that does not match fails the task
   * with pve-storage's message, as a real download would.
   */
  'POST /nodes/{node}/storage/{storage}/download-url': (ctx) => {
    const { dest, filename, volume, effects } = fileTarget(ctx, 'download');
    const url = String(ctx.args.url);
    const body = Buffer.from(url, 'utf8');
    const log = [`downloading ${url} to ${dest}`, `  file size is: ${body.length}`, `download of '${url}' to '${dest}' finished`];
    const algorithm = str(ctx.args['checksum-algorithm']);
    const expected = str(ctx.args.checksum);
    let digest: string | undefined;
    if (algorithm && expected !== undefined) {
      digest = createHash(algorithm).update(body).digest('hex');
      if (digest !== expected.toLowerCase()) {
        return ctx.task({ node: ctx.params.node, type: 'download', id: filename, log: [...log, 'calculating checksum...'], exitstatus: `checksum mismatch: got '${digest}' != expect '${expected}'` });
      }
      log.push('calculating checksum...OK, checksum verified');
    }
    return ctx.task({ node: ctx.params.node, type: 'download', id: filename, log, effects: effects(volume(body.length, { algorithm, digest })) });
  },
};

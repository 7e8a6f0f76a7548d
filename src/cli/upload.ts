/**
 * Uploads through the schema's own operation (`create /nodes/pve/storage/local/upload --content iso --filename
 * ./debian-13.iso`): the file parameter names a local file, sent as a streamed multipart part with the other
 * parameters as form fields, and by default a SHA-256 checksum the server verifies.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isatty } from '../util/tty';
import { CliError, ExitCode, UsageError } from '../errors';
import type { ApiClient, ApiRequest, DescribedRequest, MultipartBody } from '../http';
import type { UploadSpec } from './file-ops';
import type { GlobalOptions } from './globals';
import { progressMeter, type ProgressMeter } from './progress';

const DEFAULT_ALGORITHM = 'sha256';
const READ_CHUNK = 1 << 16;
/**
 * Buffers the upload reads into, in turn. Fresh buffers per read are freed only when V8 collects them, which it
 * lets grow by tens of MB first (over the RSS budget); a ring reuses each buffer after RING_SIZE further reads. The
 * body's streams hold a couple of chunks at most (backpressure), far fewer than the ring; and a reused buffer sent
 * twice would fail the server's checksum check, which every upload carries.
 */
const RING_SIZE = 32;

/** The file's bytes through a ring of reused buffers. */
function ringReader(path: string): Readable {
  return Readable.from(
    (async function* () {
      const handle = await open(path, 'r');
      try {
        const ring = Array.from({ length: RING_SIZE }, () => Buffer.allocUnsafe(READ_CHUNK));
        for (let i = 0; ; i++) {
          const buffer = ring[i % RING_SIZE];
          const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK, null);
          if (bytesRead === 0) return;
          yield buffer.subarray(0, bytesRead);
        }
      } finally {
        await handle.close();
      }
    })(),
    { objectMode: false },
  );
}

/**
 * One upload call: made before validation (a --checksum gets its algorithm), its local file checked once the
 * request is built (exit 2 before anything is sent), then described (--dry-run) or sent.
 */
export function startUpload(spec: UploadSpec, values: Record<string, unknown>) {
  withUploadDefaults(values);
  let file: LocalFile | undefined;
  const checked = (request: ApiRequest) => (file ??= uploadFile(spec, request));
  return {
    check: (request: ApiRequest) => void checked(request),
    describe: (request: ApiRequest, described: DescribedRequest) => describeUpload(spec, request, checked(request), described),
    send: (client: ApiClient, request: ApiRequest, globals: GlobalOptions) => sendUpload(client, spec, request, checked(request), globals),
  };
}

/** Before validation: a --checksum given without its algorithm is a SHA-256 one (the schema requires both). */
export function withUploadDefaults(values: Record<string, unknown>): void {
  if (values.checksum !== undefined && values['checksum-algorithm'] === undefined) values['checksum-algorithm'] = DEFAULT_ALGORITHM;
}

export interface LocalFile {
  path: string;
  size: number;
}

/** The file to send, checked before anything is sent: a missing file or a directory is a usage error (exit 2). */
export function localFile(path: string): LocalFile {
  let stat;
  try {
    stat = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${(err as Error).message}`);
  }
  if (stat.isDirectory()) throw new UsageError(`${path} is a directory`, 'upload one file; pack a directory into an archive first');
  if (!stat.isFile()) throw new UsageError(`${path} is not a regular file`, 'the upload needs its size before sending');
  return { path, size: stat.size };
}

/** The file's digest in one streamed pass: Proxmox reads the checksum before the file's bytes, so it comes first. */
export async function fileDigest(file: LocalFile, algorithm: string, meter?: ProgressMeter): Promise<string> {
  const hash = createHash(algorithm);
  const source = ringReader(file.path);
  await (meter ? pipeline(source, meter.stream, hash) : pipeline(source, hash));
  return hash.digest('hex');
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/** The multipart body: the spec's fields present in the request, in its order, then the file. */
function uploadBody(spec: UploadSpec, params: Record<string, string | string[]>, file: LocalFile, meter?: ProgressMeter): MultipartBody {
  const { multipartBody } = require('../http') as typeof import('../http');
  const fields = spec.fields.flatMap((name) => {
    const value = one(params[name]);
    return value === undefined ? [] : [[name, value] as const];
  });
  return multipartBody(fields, {
    field: spec.file,
    filename: basename(file.path),
    size: file.size,
    open: () => {
      const source = ringReader(file.path);
      if (!meter) return source;
      source.once('error', (err) => meter.stream.destroy(err));
      return source.pipe(meter.stream);
    },
  });
}

/** The parameters the form carries: the file parameter becomes the part, the default checksum joins when wanted. */
function formParams(spec: UploadSpec, request: ApiRequest, checksum?: string): Record<string, string | string[]> {
  const params = { ...request.params };
  delete params[spec.file];
  if (checksum !== undefined) Object.assign(params, { 'checksum-algorithm': DEFAULT_ALGORITHM, checksum });
  return params;
}

/** The file the request names, checked (exit 2 before anything is sent). */
export function uploadFile(spec: UploadSpec, request: ApiRequest): LocalFile {
  const path = one(request.params?.[spec.file]);
  if (path === undefined) throw new UsageError(`missing --${spec.file}`, `--${spec.file} names the local file to upload`);
  return localFile(path);
}

/** --dry-run: the request line and headers as they would go, the fields shown, the file by name and size only. */
export function describeUpload(spec: UploadSpec, request: ApiRequest, file: LocalFile, described: DescribedRequest): DescribedRequest {
  const given = request.params?.checksum !== undefined;
  const hexLength = createHash(DEFAULT_ALGORITHM).digest('hex').length;
  const placeholder = '0'.repeat(hexLength);
  const body = uploadBody(spec, formParams(spec, request, given ? undefined : placeholder), file);
  const preview = given ? body.preview() : body.preview().replace(placeholder, `<${DEFAULT_ALGORITHM} of the file, computed before sending>`);
  return {
    ...described,
    headers: { ...described.headers, 'content-type': body.contentType, 'content-length': String(body.length) },
    body: preview,
  };
}

/**
 * Send the upload and return the reply's `data` (the task's UPID). The checksum pass and the upload show a
 * progress line on a terminal; Ctrl-C aborts the request (exit 130): the server never sees a whole body, so it
 * stores nothing.
 */
export async function sendUpload(client: ApiClient, spec: UploadSpec, request: ApiRequest, file: LocalFile, globals: GlobalOptions): Promise<unknown> {
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const showProgress = isatty(2) && !globals.quiet;
  const draw = (text: string) => process.stderr.write(text);
  const name = basename(file.path);
  let meter: ProgressMeter | undefined;
  try {
    let checksum: string | undefined;
    if (request.params?.checksum === undefined) {
      meter = showProgress ? progressMeter(file.size, `${DEFAULT_ALGORITHM} ${name}`, draw) : undefined;
      checksum = await abortable(fileDigest(file, DEFAULT_ALGORITHM, meter), abort.signal);
    }
    meter = showProgress ? progressMeter(file.size, `upload ${name}`, draw) : undefined;
    const body = uploadBody(spec, formParams(spec, request, checksum), file, meter);
    // No whole-exchange limit unless one is asked for: a large file takes as long as the link needs.
    return await client.request({ ...request, body: { ...body, stream: body.stream() }, timeoutS: globals.requestTimeout ?? 0, signal: abort.signal });
  } catch (err) {
    meter?.clear();
    if (abort.signal.aborted) throw new CliError(`interrupted: the upload of ${name} was not finished; nothing was stored`, ExitCode.interrupted);
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** A local pass (the checksum) that Ctrl-C ends at once. */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(new Error('aborted'));
    if (signal.aborted) return stop();
    signal.addEventListener('abort', stop, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}

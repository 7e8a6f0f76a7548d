/**
 * A multipart upload checked before it goes upstream, without holding the file: the body is parsed only up to the
 * first file part (the fields before it, and the file part's name and file name, are the parameters to validate);
 * the bytes read so far are kept and, when the request is valid, sent upstream followed by the rest of the body,
 * as a stream with the client's Content-Length (Proxmox takes no chunked bodies). Fields after the file are not
 * seen by the check: clients send them first, as Proxmox's own web UI does.
 */
import { Readable } from 'node:stream';
import { MultipartParser, RequestError } from '../server';

/** The fields before the file: at most this many bytes are held (a field is small; the file is never held). */
const PREFIX_LIMIT = 1024 * 1024;

export interface Upload {
  params: Record<string, unknown>;
  /** The whole body again: the bytes read for the check, then the rest, streamed. */
  body: Readable;
}

function add(out: Record<string, unknown>, key: string, value: string): void {
  out[key] = key in out ? [out[key], value].flat() : value;
}

export function readUpload(source: Readable, boundary: string): Promise<Upload> {
  const params: Record<string, unknown> = {};
  const prefix: Buffer[] = [];
  let size = 0;
  let fileSeen = false;
  const parser = new MultipartParser(boundary, (part) => {
    if (part.kind === 'field') return add(params, part.name, part.value);
    fileSeen = true;
    add(params, part.name, part.filename);
    // Its bytes are forwarded from `prefix` and the source, not from here.
    part.stream.on('error', () => {}).resume();
  });
  return new Promise<Upload>((resolve, reject) => {
    const stop = (error?: unknown) => {
      source.off('data', onData).off('end', onEnd).off('error', stop);
      parser.destroy();
      if (error !== undefined) return reject(error);
      source.pause();
      const body = Readable.from(
        (async function* () {
          yield* prefix;
          if (!source.readableEnded) yield* source;
        })(),
        { objectMode: false },
      );
      resolve({ params, body });
    };
    const onData = (chunk: Buffer) => {
      prefix.push(chunk);
      size += chunk.length;
      parser.write(chunk);
      if (fileSeen) stop();
      else if (size > PREFIX_LIMIT) stop(new RequestError(413, `multipart fields before the file exceed ${PREFIX_LIMIT} bytes`));
    };
    const onEnd = () => parser.end();
    parser.on('error', stop).on('finish', () => stop());
    source.on('data', onData).on('end', onEnd).on('error', stop);
  });
}

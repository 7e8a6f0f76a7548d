/**
 * Which operations move files, by `METHOD template`: a table the verbs consult on every call, so it loads nothing
 * (the upload and download code is required only when a call needs it).
 */
import type { Operation } from '../schema/types';

export interface UploadSpec {
  /** The parameter that names the local file; the part carries its base name. */
  file: string;
  /** The form fields in the order the server's parser reads them, before the file part. */
  fields: readonly string[];
}

/**
 * Operations that take a file, keyed by `METHOD template`. Sources: PVE's `upload` (pve-storage
 * PVE/API2/Storage/Status.pm) takes the file as `filename`; pve-http-server's multipart reader (APIServer/AnyEvent.pm
 * `file_upload_multipart`) picks `content`, `checksum-algorithm`, `checksum` off the front of the body in exactly
 * this order, then expects the file part named `filename`, so nothing else may come between. PBS 4's
 * `upload-backup-log` takes its blob as the raw body, not a form file; PMG 6.3 and PDM 1.1 have no upload.
 */
export const UPLOADS: Readonly<Record<string, UploadSpec>> = {
  'POST /nodes/{node}/storage/{storage}/upload': { file: 'filename', fields: ['content', 'checksum-algorithm', 'checksum'] },
};

export function uploadSpecOf(op: Operation): UploadSpec | undefined {
  return UPLOADS[`${op.method} ${op.path}`];
}

/**
 * Operations whose reply is a file, keyed by `METHOD template`; `when` names the parameter that asks for the file
 * (else the reply is JSON). Sources: the operations marked `download_allowed` in PVE's api data (pve-9.2), but for
 * the journal, whose `returns` is an array of lines; and the operations of PBS 4 and PMG 6.3 whose description says
 * they download a file (their api data has no such mark).
 */
export const DOWNLOADS: Readonly<Record<string, { when?: string }>> = {
  'GET /nodes/{node}/tasks/{upid}/log': { when: 'download' },
  'GET /nodes/{node}/storage/{storage}/file-restore/download': {},
  'GET /admin/datastore/{store}/download': {},
  'GET /admin/datastore/{store}/download-decoded': {},
  'GET /admin/datastore/{store}/pxar-file-download': {},
  'GET /nodes/{node}/backup/{filename}': {},
  'GET /quarantine/download': {},
};

const truthy = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 'true';

/** Whether this call's reply is a file (by the table above). */
export function isDownload(op: Operation, values: Record<string, unknown>): boolean {
  const spec = DOWNLOADS[`${op.method} ${op.path}`];
  return !!spec && (spec.when === undefined || truthy(values[spec.when]));
}

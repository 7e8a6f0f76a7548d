import { UsageError } from '../errors';
import type { Connection } from './connection';
import { sendPrepared, type PreparedCall } from './verb';
import { watch } from './watch';

/** --watch repeats a read: only `get`, and not a download (checked before anything is sent). */
export function checkWatchable(call: PreparedCall): void {
  if (call.verb !== 'get') throw new UsageError(`--watch is only for get: it repeats a GET, and ${call.verb} changes something`);
  if (call.download) throw new UsageError('--watch does not repeat a download', 'drop --watch or --out-file');
}

/** `pvecli get PATH --watch [SECONDS]`. */
export function watchCall(call: PreparedCall, connection: Connection): Promise<number> {
  const client = connection.client();
  return watch(
    {
      label: `${call.request.method} ${call.request.path}`,
      globals: call.globals,
      returns: call.op.returns,
      fetch: (signal) => sendPrepared({ ...call, request: { ...call.request, signal } }, client),
    },
    call.globals.watch!,
  );
}

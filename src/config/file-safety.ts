import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../errors';

/**
 * The config file decides where credentials go (url, proxy, CA): one that someone else can change is refused, as
 * ssh refuses such a config ("Bad owner or permissions"). Unsafe: the file writable by group or others, or owned
 * by another user (root excepted); its directory writable by group or others unless sticky (/tmp: others cannot
 * replace a file they do not own there). Reading the file only (`profile list`, completion) is not refused.
 */
export function checkConfigFileSafety(path: string): void {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  if (uid === undefined) return; // Windows: no POSIX modes to check
  const file = statSync(path);
  const problem =
    (file.mode & 0o022) !== 0
      ? `is writable by ${(file.mode & 0o002) !== 0 ? 'others' : 'its group'} (mode ${modeText(file.mode)})`
      : file.uid !== uid && file.uid !== 0
        ? `belongs to another user (uid ${file.uid})`
        : directoryProblem(dirname(path));
  if (problem) {
    throw new UsageError(`refusing to use config file ${path}: it ${problem}, so someone else could redirect its credentials`, `chmod go-w ${problem.includes('directory') ? dirname(path) : path}`);
  }
}

function directoryProblem(dir: string): string | undefined {
  const st = statSync(dir);
  const sticky = (st.mode & 0o1000) !== 0;
  if ((st.mode & 0o022) !== 0 && !sticky) return `is in a directory writable by ${(st.mode & 0o002) !== 0 ? 'others' : 'its group'} (${dir}, mode ${modeText(st.mode)})`;
  return undefined;
}

function modeText(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

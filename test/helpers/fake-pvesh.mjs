// A stand-in for Proxmox VE's pvesh, for the ssh and local backend tests: `pvesh <verb> <path> --output-format json
// [--name=value | --name value ...]` becomes one HTTPS request to a mock, answered the way pvesh answers. Like pvesh
// (the CLI runs a task in the foreground), a write that starts a task prints the task's log on stdout and then the
// UPID once the task has ended. Errors go to stderr as pvesh's Perl dies print them, with exit status 255.
// FAKE_PVESH_CONFIG names a JSON file: { url, token, log? }; `log` collects each argv as one JSON line.
import { appendFileSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { URL, URLSearchParams } from 'node:url';

const config = JSON.parse(readFileSync(process.env.FAKE_PVESH_CONFIG, 'utf8'));
const argv = process.argv.slice(2);
if (config.log) appendFileSync(config.log, JSON.stringify(argv) + '\n');

const METHODS = { get: 'GET', create: 'POST', set: 'PUT', delete: 'DELETE' };
const [verb, path, ...rest] = argv;
const method = METHODS[verb];
if (!method || !path) die(`unknown command 'pvesh ${argv.join(' ')}'`);

const params = new URLSearchParams();
let format = 'text';
for (let i = 0; i < rest.length; i++) {
  const m = /^--?([^=]+)(?:=(.*))?$/s.exec(rest[i]);
  if (!m) die(`400 unable to parse option\nUSAGE: pvesh ${verb} ${path}`);
  const value = m[2] ?? rest[++i];
  if (m[1] === 'output-format') format = value;
  else params.append(m[1], value);
}
if (format !== 'json') die('400 this fake pvesh speaks --output-format json only');

function die(message) {
  process.stderr.write(message.endsWith('\n') ? message : message + '\n');
  process.exit(255);
}

function call(method, path, params) {
  const query = method === 'GET' || method === 'DELETE' ? params.toString() : '';
  const body = query ? '' : params.toString();
  const url = new URL(`${config.url}/api2/json${path.split('/').map(encodeURIComponent).join('/')}${query ? `?${query}` : ''}`);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method,
      rejectUnauthorized: false,
      headers: { authorization: `PVEAPIToken=${config.token}`, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d) => (text += d)).on('end', () => {
        let json = {};
        try {
          json = JSON.parse(text);
        } catch {
          // An error reply without a body: the reason phrase says it.
        }
        resolve({ status: res.statusCode, reason: res.statusMessage, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const reply = await call(method, path, params);
if (reply.status >= 400) {
  // pvesh's PVE::Exception: "CODE message" with per-parameter lines for a 400 (then the usage); the API's own
  // failures (HTTP 500) are a bare message.
  const errors = Object.entries(reply.json.errors ?? {}).map(([k, v]) => `${k}: ${v}\n`).join('');
  if (reply.status === 400) die(`400 Parameter verification failed.\n${errors}USAGE: pvesh ${verb} ${path} [OPTIONS]\n`);
  die(reply.status === 500 ? reply.reason : `${reply.status} ${reply.reason}`);
}
const data = reply.json.data;
if (method !== 'GET' && typeof data === 'string' && data.startsWith('UPID:')) {
  const node = data.split(':')[1];
  const base = `/nodes/${node}/tasks/${data}`;
  for (;;) {
    const status = await call('GET', `${base}/status`, new URLSearchParams());
    if (status.json.data?.status === 'stopped') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const log = await call('GET', `${base}/log`, new URLSearchParams({ limit: '10000' }));
  for (const line of log.json.data ?? []) if (!/^TASK (OK|ERROR)/.test(line.t)) process.stdout.write(line.t + '\n');
}
process.stdout.write(JSON.stringify(data ?? null) + '\n');

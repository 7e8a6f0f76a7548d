#!/usr/bin/env node
// DESIGN.md §7: `get` against a loopback HTTPS server ≤ 1.5× a bare node:https script doing the same GET, and
// ≤ 0.5× proxmoxer. Also shows the numbers that chose node:https over undici 7 for the core (src/http).
// Usage: node bench/request.mjs [--runs N] [--with-extra-ca] [--no-cli]   (needs `node scripts/build.mjs` first)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { benchEnv, printRows, runInterleaved } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 15;
const node = process.execPath;
const core = join(root, 'dist/src/http/index.js');
const bin = join(root, 'bin/run.js');
if (!existsSync(core)) {
  console.error('build first: node scripts/build.mjs');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'pvecli-bench-request-'));
const key = join(dir, 'key.pem');
const cert = join(dir, 'cert.pem');
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
  '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
const fingerprint = new X509Certificate(readFileSync(cert)).fingerprint256;
const tokenId = 'root@pam!bench';
const secret = '0c5e7c1e-1f6a-4a3e-9b7e-bench0000001';
const authorization = `PVEAPIToken=${tokenId}=${secret}`;

const server = spawn(node, [join(root, 'bench/request-server.mjs'), key, cert, authorization], { stdio: ['pipe', 'pipe', 'inherit'] });
const port = await new Promise((resolve) => server.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
const url = `https://127.0.0.1:${port}`;

// The floor: the least a Node script can do for this GET (no verification: it cannot pin a self-signed cert).
const bare = `require('node:https').get({host:'127.0.0.1',port:${port},path:'/api2/json/nodes/pve/status',rejectUnauthorized:false,
  headers:{authorization:${JSON.stringify(authorization)}}},(r)=>{let b='';r.on('data',(d)=>b+=d);r.on('end',()=>{
  if(r.statusCode!==200)process.exit(1);console.log(JSON.stringify(JSON.parse(b).data));});});`;

const settings = { profile: 'bench', url, service: 'PVE', pathPrefix: '', tokenId, tokenSecret: secret, otpType: 'totp', verifyTls: true,
  fingerprint, timeout: 30, connectTimeout: 10, retries: 0, retryBackoff: 0.5, cacheDir: dir };
const viaCore = (module) => `const {createClient}=require(${JSON.stringify(module)});const c=createClient(${JSON.stringify(settings)});
  c.request({method:'GET',path:'/nodes/pve/status'}).then((d)=>{console.log(JSON.stringify(d));return c.close();},
  (e)=>{console.error(e.message);process.exit(e.exitCode||1);});`;
// The same core as one esbuild bundle: what per-file CommonJS loading costs (a hint for the CLI's build).
const bundled = join(dir, 'http-bundle.js');
await build({ entryPoints: [join(root, 'src/http/index.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20',
  external: ['@inquirer/prompts'], outfile: bundled, logLevel: 'warning' });

// What the design card first named: undici 7 (import + llhttp WASM) for the same GET.
const viaUndici = `const {Agent,request}=require('undici');const a=new Agent({connect:{rejectUnauthorized:false}});
  request(${JSON.stringify(`${url}/api2/json/nodes/pve/status`)},{dispatcher:a,headers:{authorization:${JSON.stringify(authorization)}}})
  .then(async(r)=>{const j=await r.body.json();console.log(JSON.stringify(j.data));await a.close();});`;

const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const viaProxmoxer = `import json
from proxmoxer import ProxmoxAPI
p = ProxmoxAPI('127.0.0.1', port=${port}, user='root@pam', token_name='bench', token_value='${secret}', verify_ssl=False)
print(json.dumps(p.nodes('pve').status.get()))`;
const hasProxmoxer = spawnSync(python, ['-c', 'import proxmoxer'], { stdio: 'ignore' }).status === 0;

const cliEnv = { PROXMOX_API_URL: url, PROXMOX_API_TOKEN_ID: tokenId, PROXMOX_API_TOKEN_SECRET: secret, PROXMOX_API_FINGERPRINT: fingerprint,
  HOME: dir, XDG_CONFIG_HOME: join(dir, 'c'), XDG_CACHE_HOME: join(dir, 'k'), XDG_STATE_HOME: join(dir, 's') };
const cliWorks = !process.argv.includes('--no-cli') && existsSync(bin) && spawnSync(node, [bin, 'get', '/nodes/pve/status', '-o', 'json'], { env: benchEnv(cliEnv), stdio: 'ignore' }).status === 0;

function cases(extra) {
  const env = (more = {}) => ({ ...benchEnv(more), ...extra });
  const list = [
    { name: 'bare node:https GET (floor)', cmd: [node, '-e', bare], env: env() },
    { name: 'src/http core (token, pinned fingerprint)', cmd: [node, '-e', viaCore(core)], env: env(), budget: 1.5 },
    { name: 'src/http core, one bundled file', cmd: [node, '-e', viaCore(bundled)], env: env(), budget: 1.5 },
  ];
  if (cliWorks) list.push({ name: 'pvecli get /nodes/pve/status', cmd: [node, bin, 'get', '/nodes/pve/status', '-o', 'json'], env: env(cliEnv), budget: 1.5 });
  list.push({ name: 'undici 7 request (for the record)', cmd: [node, '-e', viaUndici], env: env() });
  if (hasProxmoxer) list.push({ name: 'proxmoxer (python3-proxmoxer)', cmd: [python, '-c', viaProxmoxer], env: env({ PYTHONWARNINGS: 'ignore' }) });
  list.push({ name: 'node -e 0', cmd: [node, '-e', '0'], env: env() });
  return list;
}

function report(title, rows) {
  printRows(title, rows);
  const pick = (prefix) => rows.find((r) => r.name.startsWith(prefix));
  const px = pick('proxmoxer');
  for (const name of ['src/http core', 'pvecli get']) {
    const r = pick(name);
    if (r && px) console.log(`${name} / proxmoxer: ${(r.median / px.median).toFixed(2)}x (budget ≤0.5x) ${r.median / px.median <= 0.5 ? 'ok' : 'OVER'}`);
  }
  if (!cliWorks) console.log('(pvecli get not measured: bin/run.js get did not succeed against the bench server)');
  if (!hasProxmoxer) console.log('(proxmoxer not measured: apt-get install python3-proxmoxer)');
}

try {
  report(`one GET over loopback HTTPS, ${runs} runs each, interleaved, NODE_EXTRA_CA_CERTS unset`, runInterleaved(cases({}), { runs }));
  if (process.argv.includes('--with-extra-ca') && process.env.NODE_EXTRA_CA_CERTS) {
    report('same, with NODE_EXTRA_CA_CERTS set', runInterleaved(cases({ NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS }), { runs }));
  }
} finally {
  server.stdin.end();
}

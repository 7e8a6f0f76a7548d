import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, runCli, type RunResult } from '../helpers/cli';
import { startTestMock, TEST_TOKEN_SECRET } from '../helpers/mock';

type Mock = Awaited<ReturnType<typeof startTestMock>>;
let mock: Mock;
const outputs: RunResult[] = [];
async function cli(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<RunResult> {
  const r = await runCli(args, { env, input });
  outputs.push(r);
  return r;
}

beforeAll(async () => {
  mock = await startTestMock({ taskDuration: 200 });
});
afterAll(async () => {
  await mock?.close();
});

describe('the built-in mock is the default target', () => {
  it('create in one run, seen by get in the next; stderr says so on every implicit use, not with -q or -p mock', async () => {
    const env = isolatedEnv();
    const created = await cli(['create', '/nodes/pve/qemu', '--vmid', '200', '--name', 'web'], env);
    expect(created.code).toBe(0);
    expect(created.stderr).toMatch(/using the built-in mock Proxmox server/);
    const listed = await cli(['get', '/cluster/resources', '--type', 'vm', '-o', 'json'], env);
    expect(listed.code).toBe(0);
    expect(listed.stderr.match(/using the built-in mock Proxmox server/g)).toHaveLength(1);
    const quiet = await cli(['get', '/version', '-q'], env);
    const explicit = await cli(['get', '/version', '-p', 'mock', '-o', 'json'], env);
    expect([quiet.code, quiet.stderr, explicit.code, explicit.stderr]).toEqual([0, '', 0, '']);
    const vm = (JSON.parse(listed.stdout) as Array<{ vmid: number; name: string }>).find((r) => r.vmid === 200);
    expect(vm?.name).toBe('web');
    const reset = await cli(['mock', 'reset'], env);
    expect(reset.code).toBe(0);
    const after = await cli(['get', '/cluster/resources', '--type', 'vm', '-o', 'json'], env);
    expect((JSON.parse(after.stdout) as Array<{ vmid: number }>).some((r) => r.vmid === 200)).toBe(false);
  });
});

describe('in CI the built-in mock is never a silent target', () => {
  it('with CI set and nothing configured: exit 2 naming the variables, nothing started; -p mock still works', async () => {
    const env = isolatedEnv({ CI: 'true' });
    const refused = await cli(['create', '/nodes/pve/qemu', '--vmid', '300'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^pvecli: no target configured, and CI is set: the built-in mock is not used implicitly in CI$/m);
    expect(refused.stderr).toMatch(/PROXMOX_API_URL and PROXMOX_API_TOKEN_ID\/PROXMOX_API_TOKEN_SECRET/);
    expect(refused.stdout).toBe('');
    const onPurpose = await cli(['get', '/version', '-p', 'mock', '-o', 'json'], env);
    expect(onPurpose.code, onPurpose.stderr).toBe(0);
    const notCi = await cli(['get', '/version', '-o', 'json'], isolatedEnv({ CI: 'false' }));
    expect(notCi.code, notCi.stderr).toBe(0);
  });
});

describe('a VM lifecycle through bin/run.js', () => {
  const status = async () => JSON.parse((await cli(['get', '/nodes/pve/qemu/300/status/current', '-o', 'json'], mock.env())).stdout).status;
  it('create → start → running → snapshot → stop → delete', async () => {
    const env = mock.env();
    expect((await cli(['create', '/nodes/pve/qemu', '--vmid', '300', '--name', 'life', '--memory', '1024', '--net0', 'virtio,bridge=vmbr0', '--scsi0', 'local-lvm:8'], env)).code).toBe(0);
    const config = JSON.parse((await cli(['get', '/nodes/pve/qemu/300/config', '-o', 'json'], env)).stdout);
    expect(config).toMatchObject({ name: 'life', memory: expect.anything() });
    expect(String(config.net0)).toMatch(/^virtio=[0-9A-F:]{17},bridge=vmbr0$/);
    expect(await status()).toBe('stopped');
    expect((await cli(['create', '/nodes/pve/qemu/300/status/start'], env)).code).toBe(0);
    expect(await status()).toBe('running');
    expect((await cli(['create', '/nodes/pve/qemu/300/snapshot', '--snapname', 'before'], env)).code).toBe(0);
    const snaps = JSON.parse((await cli(['get', '/nodes/pve/qemu/300/snapshot', '-o', 'json'], env)).stdout) as Array<{ name: string }>;
    expect(snaps.map((s) => s.name)).toContain('before');
    expect((await cli(['create', '/nodes/pve/qemu/300/status/stop'], env)).code).toBe(0);
    expect(await status()).toBe('stopped');
    expect((await cli(['delete', '/nodes/pve/qemu/300'], env)).code).toBe(0);
    const gone = await cli(['get', '/nodes/pve/qemu/300/status/current'], env);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/^pvecli: /);
  });

  it('set with --delete and the --expand view of property strings', async () => {
    const env = mock.env();
    await cli(['create', '/nodes/pve/qemu', '--vmid', '301', '--net0', 'virtio,bridge=vmbr0', '--net1', 'e1000,bridge=vmbr1,tag=20'], env);
    expect((await cli(['set', '/nodes/pve/qemu/301/config', '--memory', '4096', '--delete', 'net1'], env)).code).toBe(0);
    const cfg = JSON.parse((await cli(['get', '/nodes/pve/qemu/301/config', '-o', 'json', '--expand'], env)).stdout);
    expect(cfg.net1).toBeUndefined();
    // PVE 9 writes memory as a property string ([current=]<integer>): expanded it is an object.
    expect(cfg.memory).toMatchObject({ current: 4096 });
    expect(cfg.net0).toMatchObject({ model: 'virtio', bridge: 'vmbr0' });
  });

  it('a duplicate vmid is an API error (exit 7) with Proxmox’s message', async () => {
    const r = await cli(['create', '/nodes/pve/qemu', '--vmid', '100'], mock.env());
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/^pvecli: .*already exists/);
  });

  it('--input takes bulk parameters, explicit flags win', async () => {
    const r = await cli(['create', '/nodes/pve/qemu', '--input', '-', '--name', 'flagwins', '--dry-run'], mock.env(), 'vmid: 302\nname: fromfile\nmemory: 512\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('vmid=302');
    expect(r.stdout).toContain('name=flagwins');
    expect(r.stdout).toContain('memory=512');
  });
});

describe('nothing is sent for invalid input or --dry-run', () => {
  let server: Server;
  let hits = 0;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      res.writeHead(500).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    // Pinned: an unpinned run's first contact reads GET /version (DESIGN.md §2), and these tests count requests.
    env = isolatedEnv({ PROXMOX_API_URL: `http://127.0.0.1:${port}`, PROXMOX_API_TOKEN_ID: 'root@pam!t', PROXMOX_API_TOKEN_SECRET: 'counting-secret', PVECLI_SCHEMA: 'pve-9.2' });
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  // Wrong type, out of range, bad enum, missing required, unknown key and a family out of range are refused the same
  // way, with the same argv, in params-cli.test.ts (exit 2, the message, empty stdout, no request to its server).
  const refused: Array<[string, string[], RegExp]> = [
    ['unknown flag', ['get', '/cluster/resources', '--typ', 'vm'], /--typ.*\n.*--type/],
    ['bad path value', ['get', '/nodes/not_a_node!/status'], /node/],
  ];
  for (const [name, args, pattern] of refused) {
    it(`${name} → exit 2, zero requests`, async () => {
      const before = hits;
      const r = await cli(args, env);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(r.stdout).toBe('');
      expect(hits).toBe(before);
    });
  }

  it('--dry-run prints the request and sends nothing', async () => {
    const before = hits;
    const r = await cli(['create', '/nodes/pve/qemu', '--vmid', '100', '--memory', '2048', '--net0', 'virtio,bridge=vmbr0', '--scsi0', 'local-lvm:32', '--dry-run'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/api2\/json\/nodes\/pve\/qemu\n/);
    expect(r.stdout).toContain('vmid=100&memory=2048&net0=virtio%2Cbridge%3Dvmbr0&scsi0=local-lvm%3A32');
    expect(r.stdout).not.toContain('counting-secret');
    expect(hits).toBe(before);
    const get = await cli(['get', '/cluster/resources', '--type', 'vm', '--dry-run'], env);
    expect(get.stdout).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/api2\/json\/cluster\/resources\?type=vm\n/);
    expect(hits).toBe(before);
  });
  it('a template path takes its open parameters as flags, or says which one is open', async () => {
    const before = hits;
    const filled = await cli(['get', '/nodes/{node}/qemu/{vmid}/config', '--node', 'pve2', '--vmid', '101', '--dry-run'], env);
    expect(filled.code, filled.stderr).toBe(0);
    expect(filled.stdout).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/api2\/json\/nodes\/pve2\/qemu\/101\/config\n/);
    const open = await cli(['get', '/nodes/{node}/qemu'], env);
    expect(open.code).toBe(2);
    expect(open.stderr).toBe('pvecli: the path leaves {node} open\nhint: fill it in, or give --node (/nodes/NODE/qemu)\n');
    const bad = await cli(['get', '/nodes/{node}/qemu', '--node', 'not a node!'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^pvecli: --node: /);
    // A concrete path still refuses the flag: the value is already there.
    const twice = await cli(['get', '/nodes/pve/qemu', '--node', 'pve2'], env);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/--node is part of the path/);
    expect(hits).toBe(before);
  });

  it("PMG's own --profile parameter is the API's; the schema still comes from the service", async () => {
    const env = isolatedEnv({ PROXMOX_API_URL: 'https://pmg.example:8006', PROXMOX_API_SERVICE: 'PMG', PROXMOX_API_USERNAME: 'root@pam', PROXMOX_API_PASSWORD: 'pw-1234' });
    const r = await cli(['create', '/config/ldap', '--profile', 'ldap1', '--server1', 'ldap.example', '--mode', 'ldap', '--dry-run'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('cookie: PMGAuthCookie=<redacted>');
    expect(r.stdout).toContain('profile=ldap1&server1=ldap.example&mode=ldap');
  });

  it('a dry run names the proxy the request would go through, its password masked', async () => {
    const env = isolatedEnv({ PROXMOX_API_URL: 'https://pve.example:8006', PROXMOX_API_TOKEN_ID: 'a@pve!t', PROXMOX_API_TOKEN_SECRET: 'abcdef' });
    const via = await cli(['get', '/version', '--dry-run'], { ...env, HTTPS_PROXY: 'http://qa:Pr0xyPass@127.0.0.1:18889' });
    expect(via.code, via.stderr).toBe(0);
    expect(via.stdout.split('\n').slice(0, 2)).toEqual(['GET https://pve.example:8006/api2/json/version', '# via proxy http://qa:****@127.0.0.1:18889/']);
    expect(via.stdout + via.stderr).not.toContain('Pr0xyPass');
    const bypassed = await cli(['get', '/version', '--dry-run'], { ...env, HTTPS_PROXY: 'http://127.0.0.1:18889', NO_PROXY: '.example' });
    expect(bypassed.stdout).not.toContain('via proxy');
  });

  it('a dry run is refused like the real run when the credentials are incomplete', async () => {
    const r = await cli(['get', '/version', '--dry-run'], isolatedEnv({ PROXMOX_API_URL: 'https://x.example:8006', PROXMOX_API_TOKEN_ID: 'u@pve!t', PROXMOX_API_TOKEN_SECRET: '' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^pvecli: API token u@pve!t has no secret/);
    expect(r.stdout).toBe('');
  });

  it('--dry-run shows credential parameters as <redacted>', async () => {
    const gotify = await cli(['create', '/cluster/notifications/endpoints/gotify', '--name', 'g1', '--server', 'https://g.example.com', '--token', 'GotifyTok123', '--dry-run'], env);
    expect(gotify.code, gotify.stderr).toBe(0);
    expect(gotify.stdout).toContain('name=g1&server=https%3A%2F%2Fg.example.com&token=<redacted>');
    const rbd = await cli(['create', '/storage', '--storage', 'rbd1', '--type', 'rbd', '--pool', 'p', '--monhost', '1.2.3.4', '--keyring', 'AQKEYRING==', '--dry-run'], env);
    expect(rbd.stdout).toContain('keyring=<redacted>');
    const acme = await cli(['create', '/cluster/acme/plugins', '--id', 'p1', '--type', 'dns', '--api', 'cf', '--data', 'CF_Token=CFTOKEN', '--dry-run'], env);
    expect(acme.stdout).toContain('data=<redacted>');
    for (const r of [gotify, rbd, acme]) expect(r.stdout + r.stderr).not.toMatch(/GotifyTok123|AQKEYRING|CFTOKEN/);
  });
});

describe('scripting', () => {
  it('pipes -o json into jq', async () => {
    // Asynchronously: the mock answers from this very process.
    const env = mock.env();
    const { stdout } = await promisify(execFile)('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" get /cluster/resources -o json | jq -r '[.[] | select(.type=="node") | .node] | sort | join(",")'`], { env, encoding: 'utf8' });
    expect(stdout.trim()).toBe('pve,pve2,pve3');
  });
  it('a reader that stops early (head) is no error: exit 0, nothing on stderr', async () => {
    // A task log of 10,000 lines (~500 KB) is far more than a pipe holds, so the writer meets the closed pipe.
    const created = await cli(['create', '/nodes/pve/qemu', '--vmid', '321', '--name', 'long-log', '--async'], mock.env());
    const upid = created.stdout.trim();
    await cli(['task', 'wait', upid, '-q'], mock.env());
    // Through oclif (task log) and through the fast path (get), which writes to the descriptor directly.
    for (const command of [`task log ${upid}`, `get /nodes/pve/tasks/${upid}/log --limit 10000 -o json`]) {
      const script = `"${process.execPath}" "${BIN}" ${command} 2>err.txt | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"; cat err.txt`;
      const { stdout } = await promisify(execFile)('bash', ['-c', script], { env: mock.env(), encoding: 'utf8', cwd: mock.env().HOME });
      expect(stdout, command).toBe('0\n');
    }
  });
  it('--query filters without jq', async () => {
    const r = await cli(['get', '/nodes', '--query', 'sort([].node)', '-o', 'json'], mock.env());
    expect(JSON.parse(r.stdout)).toEqual(['pve', 'pve2', 'pve3']);
  });
  it('colour only when forced and never with NO_COLOR', async () => {
    const forced = await cli(['get', '/nodes'], mock.env({ NO_COLOR: undefined, FORCE_COLOR: '1' }));
    expect(forced.stdout).toContain('\x1b[1m');
    const plain = await cli(['get', '/nodes'], mock.env({ NO_COLOR: '1', FORCE_COLOR: '1' }));
    expect(plain.stdout).not.toContain('\x1b[');
  });
  it('global options work before the command too, and -o=FORMAT like -oFORMAT', async () => {
    const verb = await cli(['-o', 'json', '--fields', 'node', 'get', '/nodes', '--sort', 'node'], mock.env());
    expect(verb.code).toBe(0);
    expect(JSON.parse(verb.stdout)).toEqual([{ node: 'pve' }, { node: 'pve2' }, { node: 'pve3' }]);
    const topic = await cli(['-o=json', 'task', 'list', '--limit', '1'], mock.env());
    expect(topic.code).toBe(0);
    expect(Array.isArray(JSON.parse(topic.stdout))).toBe(true);
    const unknown = await cli(['-o', 'json', 'gte', '/nodes'], mock.env());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'gte'/);
  });
  it('a volume ID with a slash addresses its volume, typed plainly or encoded', async () => {
    const list = await cli(['get', '/nodes/pve/storage/local/content', '--content', 'iso', '-o', 'json'], mock.env());
    const volid = (JSON.parse(list.stdout) as Array<{ volid: string }>)[0].volid;
    expect(volid).toMatch(/^local:iso\/.+\.iso$/);
    for (const volume of [volid, volid.replace('/', '%2F')]) {
      const r = await cli(['get', `/nodes/pve/storage/local/content/${volume}`, '-o', 'json'], mock.env());
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).format).toBe('iso');
    }
  });
  it('Ctrl-C during a request: one line on stderr, exit 130', async () => {
    let pid = 0;
    // The server accepts and never answers; the interrupt comes once the connection is there.
    const silent = createNetServer((socket) => {
      socket.on('data', () => {});
      process.kill(pid, 'SIGINT');
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const url = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const env = isolatedEnv({ PROXMOX_API_URL: url, PROXMOX_API_TOKEN_ID: 'root@pam!e2e', PROXMOX_API_TOKEN_SECRET: TEST_TOKEN_SECRET });
      const r = await runCli(['get', '/version'], { env, onSpawn: (p) => (pid = p) });
      outputs.push(r);
      expect(r.code).toBe(130);
      expect(r.stderr).toBe('pvecli: interrupted\n');
      expect(r.stdout).toBe('');
    } finally {
      silent.close();
    }
  });
  it('--quiet prints nothing on success', async () => {
    const r = await cli(['get', '/version', '-q'], mock.env());
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });
});

describe('secrets', () => {
  it('no output of this suite contains the token secret', () => {
    expect(outputs.length).toBeGreaterThan(10);
    for (const r of outputs) {
      expect(r.stdout).not.toContain(TEST_TOKEN_SECRET);
      expect(r.stderr).not.toContain(TEST_TOKEN_SECRET);
      expect(r.stdout + r.stderr).not.toContain('counting-secret');
    }
  });
});

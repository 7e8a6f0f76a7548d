// The loopback HTTPS server of bench/request.mjs, in its own process (the bench times children synchronously).
// Usage: node bench/request-server.mjs KEY CERT TOKEN_HEADER  → prints the port, serves until stdin closes.
// GET /connections answers how many TLS connections it has accepted (to see a client keep one alive).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

const [key, cert, authorization] = process.argv.slice(2);
const status = JSON.stringify({
  data: { uptime: 86400, cpu: 0.021, loadavg: ['0.10', '0.12', '0.09'], memory: { total: 67108864000, used: 8589934592, free: 58518929408 },
    kversion: 'Linux 6.8.12-4-pve #1 SMP PREEMPT_DYNAMIC', pveversion: 'pve-manager/9.2.0/1234567890abcdef', cpuinfo: { cpus: 16, model: 'AMD EPYC', sockets: 1 } },
});
let connections = 0;
const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
  req.resume();
  if (req.url === '/connections') return res.end(String(connections));
  // /version too: pvecli's first contact with a server reads it to pick the schema (DESIGN.md §2), then caches that.
  const version = req.url === '/api2/json/version';
  const ok = req.headers.authorization === authorization && (version || req.url === '/api2/json/nodes/pve/status');
  const body = !ok ? JSON.stringify({ data: null }) : version ? JSON.stringify({ data: { version: '9.2.0', release: '9.2', repoid: '1234567890abcdef' } }) : status;
  res.writeHead(ok ? 200 : 401, ok ? 'OK' : 'authentication failure', { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.on('secureConnection', () => connections++);
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

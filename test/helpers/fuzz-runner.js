/**
 * Runs fuzzed invocations (a JSON file of { verb, argv, env }) through the built CLI in this one process, against
 * a recording HTTP server of its own, and writes { code, stderr, requests } per case to the output file. In-process
 * because 10,000 spawned runs would take minutes; the CLI's writes to fd 1 and 2 are captured by replacing
 * fs.writeSync, which the built modules look up at each call.
 */
const fs = require('node:fs');
const http = require('node:http');
const { join } = require('node:path');

const [casesFile, outFile, dist] = process.argv.slice(2);
const cases = JSON.parse(fs.readFileSync(casesFile, 'utf8'));
const { runVerb } = require(join(dist, 'src/cli/verb.js'));
const { reportError } = require(join(dist, 'src/cli/io.js'));

let requests = 0;
const server = http.createServer((req, res) => {
  requests++;
  req.resume();
  req.on('end', () => {
    const data = req.method === 'GET' ? [{ node: 'pve', status: 'online', id: 'node/pve', type: 'node', mem: 1 }] : null;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data }));
  });
});

const captured = { 1: '', 2: '' };
const realWriteSync = fs.writeSync;
fs.writeSync = (fd, buffer, offset = 0) => {
  if (fd !== 1 && fd !== 2) return realWriteSync(fd, buffer, offset);
  const chunk = Buffer.isBuffer(buffer) ? buffer.subarray(offset) : Buffer.from(String(buffer));
  if (captured[fd].length < 4096) captured[fd] += chunk.toString('utf8');
  return chunk.length;
};

server.listen(0, '127.0.0.1', async () => {
  const base = { ...process.env, PROXMOX_API_URL: `http://127.0.0.1:${server.address().port}` };
  const results = [];
  for (const c of cases) {
    process.env = { ...base, ...c.env };
    captured[1] = captured[2] = '';
    const before = requests;
    let code;
    try {
      code = await runVerb(c.verb, c.argv);
    } catch (err) {
      code = reportError(err);
    }
    results.push({ code, stderr: captured[2], requests: requests - before });
  }
  fs.writeFileSync(outFile, JSON.stringify(results));
  server.close();
  process.exit(0);
});

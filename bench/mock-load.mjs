// The load generator of bench/mock.mjs, in a process of its own so it does not share an event loop (and a core's
// time slice) with the server it measures: autocannon, keep-alive HTTPS, `GET /api2/json/nodes`.
// Usage: node bench/mock-load.mjs URL CONNECTIONS REQUESTS   → one JSON line: {requests, seconds, rps, errors, non2xx}
import autocannon from 'autocannon';

const [url, connections, amount] = process.argv.slice(2);
const result = await autocannon({
  url: new URL('/api2/json/nodes', url).href,
  connections: Number(connections),
  amount: Number(amount),
  headers: { Authorization: 'PVEAPIToken=root@pam!bench=bench-secret' },
});
const requests = result.requests.total;
const seconds = result.duration;
console.log(JSON.stringify({ requests, seconds, rps: requests / seconds, errors: result.errors + result.timeouts, non2xx: result.non2xx }));

/** RRD time series (`.../rrddata`) for nodes, guests and storages: smooth, deterministic curves over the timeframe. */
import { rngFor } from '../random';
import type { MockState } from '../state';
import { type HandlerContext, type HandlerTable, str } from './context';
import { guestAt, guestStatus } from './guest-common';
import { storageAt } from './storage';

const STEP_S: Record<string, number> = { hour: 60, day: 1800, week: 10800, month: 43200, year: 604800, decade: 6048000 };
const POINTS = 70;
const GiB = 1024 ** 3;

/** `POINTS` rows ending now, each `{time, ...fields(phase)}` where phase runs 0..1 with a little seeded noise. */
function series(ctx: HandlerContext, fields: (wave: number, noise: number) => Record<string, number>): Array<Record<string, number>> {
  const step = STEP_S[str(ctx.args.timeframe) ?? 'hour'] ?? 60;
  const end = Math.floor(Date.now() / 1000 / step) * step;
  const rng = rngFor(0, `${ctx.template} ${JSON.stringify(ctx.params)} ${step}`);
  const rows: Array<Record<string, number>> = [];
  for (let i = POINTS - 1; i >= 0; i--) {
    const t = end - i * step;
    const wave = (Math.sin((t / step / POINTS) * 2 * Math.PI) + 1) / 2;
    rows.push({ time: t, ...fields(wave, rng()) });
  }
  return rows;
}

function guestSeries(type: 'qemu' | 'lxc') {
  return (ctx: HandlerContext) => {
    const g = guestAt(ctx.state, type, ctx.params.node, ctx.params.vmid);
    const s = guestStatus(ctx.state, g);
    const on = s.status === 'running' ? 1 : 0;
    const maxmem = Number(s.maxmem);
    return series(ctx, (w, n) => ({
      cpu: on * (0.02 + 0.2 * w + 0.05 * n),
      maxcpu: Number(s.cpus),
      mem: on * Math.floor(maxmem * (0.3 + 0.3 * w)),
      maxmem,
      disk: Number(s.disk),
      maxdisk: Number(s.maxdisk),
      netin: on * Math.floor(2e5 * (w + n)),
      netout: on * Math.floor(1e5 * (w + n)),
      diskread: on * Math.floor(5e5 * n),
      diskwrite: on * Math.floor(3e5 * n),
    }));
  };
}

function nodeSeries(state: MockState, ctx: HandlerContext) {
  const i = Math.max(0, state.data.nodes.indexOf(ctx.params.node));
  return series(ctx, (w, n) => ({
    cpu: 0.05 + 0.25 * w + 0.05 * n,
    maxcpu: 8 * (i + 1),
    loadavg: 0.3 + 2 * w,
    iowait: 0.01 * n,
    memtotal: 64 * (i + 1) * GiB,
    memused: Math.floor((12 + 4 * i + 8 * w) * GiB),
    swaptotal: 8 * GiB,
    swapused: 0,
    roottotal: 100 * GiB,
    rootused: (20 + 5 * i) * GiB,
    netin: Math.floor(1e6 * (w + n)),
    netout: Math.floor(8e5 * (w + n)),
  }));
}

export const metricsHandlers: HandlerTable = {
  'GET /nodes/{node}/rrddata': (ctx) => nodeSeries(ctx.state, ctx),
  'GET /nodes/{node}/qemu/{vmid}/rrddata': guestSeries('qemu'),
  'GET /nodes/{node}/lxc/{vmid}/rrddata': guestSeries('lxc'),
  'GET /nodes/{node}/storage/{storage}/rrddata': (ctx) => {
    const s = storageAt(ctx.state, ctx.params.storage);
    const vols = s.shared ? s.volumes['*'] ?? [] : s.volumes[ctx.params.node] ?? [];
    const used = vols.reduce((n, v) => n + v.size, 0);
    return series(ctx, (w) => ({ total: s.total, used: Math.floor(used * (0.9 + 0.1 * w)) }));
  },
};

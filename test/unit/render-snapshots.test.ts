import { describe, expect, it } from 'vitest';
import { render, OUTPUT_FORMATS, type RenderOptions } from '../../src/output/render';
import { expandPropertyStrings } from '../../src/output/shape';
import { parsePropertyString, propertyFormatOf } from '../../src/params';
import type { PropSchema } from '../../src/schema/types';

// A fixed result, as /cluster/resources and /nodes/{node}/qemu/{vmid}/config answer.
const resources = [
  { id: 'qemu/101', type: 'qemu', vmid: 101, node: 'pve2', name: 'db01', status: 'stopped', cpu: 0, maxmem: 4294967296, mem: 0, uptime: 0 },
  { id: 'qemu/100', type: 'qemu', vmid: 100, node: 'pve', name: 'web01', status: 'running', cpu: 0.027, maxmem: 2147483648, mem: 429496730, uptime: 3602 },
  { id: 'lxc/110', type: 'lxc', vmid: 110, node: 'pve', name: 'dns01', status: 'running', cpu: 0.037, maxmem: 536870912, mem: 322122547, uptime: 7202 },
];
const resourcesReturns: PropSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      id: { type: 'string' }, type: { type: 'string' }, vmid: { type: 'integer' }, node: { type: 'string' }, name: { type: 'string' },
      status: { type: 'string' }, cpu: { type: 'number', renderer: 'fraction_as_percentage' }, maxmem: { type: 'integer', renderer: 'bytes' },
      mem: { type: 'integer', renderer: 'bytes' }, uptime: { type: 'integer', renderer: 'duration' },
    },
  },
};
const netFormat = {
  model: { type: 'string', default_key: 1, enum: ['e1000', 'virtio'] },
  macaddr: { type: 'string', optional: 1 },
  bridge: { type: 'string', optional: 1 },
  tag: { type: 'integer', optional: 1 },
  virtio: { alias: 'macaddr', keyAlias: 'model' },
  e1000: { alias: 'macaddr', keyAlias: 'model' },
} as unknown as Record<string, PropSchema>;
const config = { name: 'web01', memory: 2048, net0: 'virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,tag=20', ostype: 'l26' };
const configReturns: PropSchema = { type: 'object', properties: { name: { type: 'string' }, memory: { type: 'integer' }, 'net[n]': { type: 'string', format: netFormat }, ostype: { type: 'string' } } };

const variants: Array<[string, Partial<RenderOptions>]> = [
  ['plain', {}],
  ['raw numbers', { humanReadable: false }],
  ['fields', { fields: ['vmid', 'name', 'mem'] }],
  ['sort', { sort: 'uptime' }],
  ['sort descending', { sort: '-mem' }],
  ['sort by text', { sort: 'name' }],
  ['query', { query: "[?status=='running'].{vmid: vmid, name: name}" }],
  ['noborder noheader', { noborder: true, noheader: true }],
];

describe('renderer snapshots', () => {
  for (const format of OUTPUT_FORMATS) {
    for (const [name, opts] of variants) {
      it(`${format}: ${name}`, () => {
        const humanReadable = opts.humanReadable ?? (format === 'text' || format === 'table' || format === 'wide');
        expect(render(resources, { format, returns: resourcesReturns, ...opts, humanReadable })).toMatchSnapshot();
      });
    }
    it(`${format}: --expand of a property string`, () => {
      const expand = (d: unknown) => expandPropertyStrings(d, configReturns, propertyFormatOf, (f, t) => parsePropertyString(f, t));
      expect(render(config, { format, returns: configReturns, expand })).toMatchSnapshot();
    });
  }
});

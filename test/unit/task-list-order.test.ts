import { describe, expect, it } from 'vitest';
import { render } from '../../src/output/render';
import { withDefaultShape } from '../../src/output/shape';

// issue 16 item 4: a command's own row order (task list: newest first) survives text and table unless --sort is given.
const rows = [{ upid: 'UPID:b', starttime: 3 }, { upid: 'UPID:c', starttime: 2 }, { upid: 'UPID:a', starttime: 1 }];
const order = (text: string) => [...text.matchAll(/UPID:(\w)/g)].map((m) => m[1]).join('');

describe('keepOrder', () => {
  it('text and table keep the rows as given; without it they sort by the first column', () => {
    for (const format of ['text', 'table'] as const) {
      expect(order(render(rows, { format, keepOrder: true }))).toBe('bca');
      expect(order(render(rows, { format }))).toBe('abc');
    }
  });

  it('--sort still wins', () => {
    expect(order(render(rows, { format: 'text', keepOrder: true, sort: 'starttime' }))).toBe('acb');
  });

  it('withDefaultShape passes the command\'s order on, also under --query', () => {
    expect(withDefaultShape({}, { fields: ['upid'], keepOrder: true }).keepOrder).toBe(true);
    expect(withDefaultShape({ query: '[]' }, { fields: ['upid'], keepOrder: true }).keepOrder).toBe(true);
    expect(withDefaultShape({}, { fields: ['upid'] }).keepOrder).toBeUndefined();
  });
});

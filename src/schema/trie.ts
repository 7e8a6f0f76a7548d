import type { IndexEntry } from './types';

/**
 * The path tree as plain JSON, built once at schema build time and stored in index.json: JSON.parse makes it
 * ready to use, where building it at every start cost 3–9 ms. `e`: the entry's position in `entries`; `l`: literal
 * segments; `p`: parameter segments in index order.
 */
export interface PathTrie {
  e?: number;
  l?: Record<string, PathTrie>;
  p?: Array<[name: string, node: PathTrie]>;
}

const PARAM = /^\{(.+)\}$/;

export function buildTrie(entries: readonly IndexEntry[]): PathTrie {
  const root: PathTrie = {};
  entries.forEach(([template], position) => {
    let node = root;
    for (const seg of template.split('/').filter(Boolean)) {
      const param = PARAM.exec(seg);
      let next: PathTrie | undefined;
      if (param) {
        node.p ??= [];
        next = node.p.find(([n]) => n === param[1])?.[1];
        if (!next) node.p.push([param[1], (next = {})]);
      } else {
        node.l ??= {};
        next = Object.hasOwn(node.l, seg) ? node.l[seg] : undefined;
        if (!next) node.l[seg] = next = {};
      }
      node = next;
    }
    node.e = position;
  });
  return root;
}

/** The entry position a path's segments lead to (literal segments before parameters), filling `params`. */
export function matchTrie(node: PathTrie, segs: readonly string[], i: number, params: Record<string, string>): number | undefined {
  if (i === segs.length) return node.e;
  const seg = segs[i];
  if (node.l && Object.hasOwn(node.l, seg)) {
    const r = matchTrie(node.l[seg], segs, i + 1, params);
    if (r !== undefined) return r;
  }
  const templated = PARAM.exec(seg);
  for (const [name, child] of node.p ?? []) {
    if (templated && templated[1] !== name) continue;
    const r = matchTrie(child, segs, i + 1, params);
    if (r !== undefined) {
      if (!templated) params[name] = seg;
      return r;
    }
  }
  return undefined;
}

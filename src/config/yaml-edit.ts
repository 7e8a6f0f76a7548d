/**
 * Comment-preserving edits of a yaml Document: yaml keeps a comment on the node below it, so removing or inserting
 * nodes would carry comments off or push them down without these helpers.
 */
import type { Document, Node as YamlNode, Pair, YAMLMap } from 'yaml';

type YamlModule = typeof import('yaml');
let yamlModule: YamlModule | undefined;
/** yaml costs ~54 ms to import: load it only when a config file is actually read or written. */
export function yaml(): YamlModule {
  yamlModule ??= require('yaml') as YamlModule;
  return yamlModule;
}

/** A pair's key as plain data (a scalar's value). */
export function keyOf(pair: Pair): unknown {
  const { isScalar } = yaml();
  return isScalar(pair.key) ? pair.key.value : pair.key;
}

/**
 * Run `edit` keeping the document's leading comment at the top. yaml holds a comment that is not set off by a blank
 * line on the first key, so removing that key would take the comment along, and inserting a key before it would
 * push the comment down.
 */
export function keepLeadingComment<T>(doc: Document, edit: () => T): T {
  const { isMap, isNode } = yaml();
  const firstKey = (): YamlNode | undefined => {
    const key = isMap(doc.contents) ? doc.contents.items[0]?.key : undefined;
    return isNode(key) ? key : undefined;
  };
  const before = firstKey();
  const leading = before?.commentBefore;
  const result = edit();
  const after = firstKey();
  if (leading && after !== before) {
    if (before) before.commentBefore = undefined;
    if (after) after.commentBefore = joinComments(leading, after.commentBefore);
    else doc.commentBefore = joinComments(doc.commentBefore, leading) ?? null;
  }
  return result;
}

/**
 * Remove item `index` of `map` with its own comment: the lines directly above it (yaml holds the first item's on
 * the map). Lines set off from it by a blank line are not about it alone and stay, above the next item.
 */
export function removeWithOwnComment(map: YAMLMap, index: number): void {
  const { isNode } = yaml();
  const [pair] = map.items.splice(index, 1);
  const key = isNode(pair.key) ? pair.key : undefined;
  if (!key?.commentBefore) {
    if (index === 0) map.commentBefore = commentsSetOff(map.commentBefore);
    return;
  }
  const kept = commentsSetOff(key.commentBefore);
  if (!kept) return;
  const next = map.items[index]?.key;
  if (isNode(next)) next.commentBefore = joinComments(kept, next.commentBefore);
  // after the last item: the map's trailing comment, which needs no blank line below it
  else map.comment = joinComments(kept, map.comment)!.replace(/\n$/, '');
}

/**
 * The part of a comment block above a node that a blank line sets off from it. yaml writes blank lines inside a
 * block as empty lines, so one ending in '\n' had a blank line between it and the node.
 */
function commentsSetOff(comment: string | null | undefined): string | undefined {
  if (!comment) return undefined;
  if (comment.endsWith('\n')) return comment;
  const cut = comment.lastIndexOf('\n\n');
  return cut < 0 ? undefined : comment.slice(0, cut + 1);
}

/** Two comment blocks, one above the other, a blank line between them. */
function joinComments(first: string | null | undefined, second: string | null | undefined): string | undefined {
  if (!first) return second ?? undefined;
  if (!second) return first;
  return `${first.replace(/\n$/, '')}\n\n${second}`;
}

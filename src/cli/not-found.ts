/**
 * DESIGN.md §4: Proxmox answers a missing object not only with 404 but with a 500 (or a pvesh error) whose message
 * says so. These are those messages, in one place; they mean exit 6.
 */
const NOT_FOUND_MESSAGES: readonly RegExp[] = [/\bdoes not exist\b/i, /\bno such\b/i];

export function saysNotFound(message: string): boolean {
  return NOT_FOUND_MESSAGES.some((pattern) => pattern.test(message));
}

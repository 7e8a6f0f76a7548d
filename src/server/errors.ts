/** A request the server answers with an error status: a body too large, malformed or of an unknown type. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Per-parameter errors, sent as Proxmox does: `{"errors": {"param": "message"}}`. */
    readonly errors?: Record<string, string>,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

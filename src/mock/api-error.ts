/** An error reply: the HTTP status, the message Proxmox puts in the reason phrase, and per-parameter errors. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Proxmox answers a failed `die` in an API handler with 500 and the message. */
export const fail = (message: string): ApiError => new ApiError(500, message);
export const badParams = (errors: Record<string, string>): ApiError => new ApiError(400, 'Parameter verification failed.', errors);

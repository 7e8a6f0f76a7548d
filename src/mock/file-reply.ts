/** A handler's answer that is a file, not JSON: PVE's `download` result of an operation marked `download_allowed`. */
export class MockFile {
  constructor(
    readonly data: Buffer,
    readonly contentType: string,
    /** Offered as the attachment's name. */
    readonly filename?: string,
  ) {}

  headers(): Record<string, string> {
    const headers: Record<string, string> = { 'Content-Type': this.contentType };
    if (this.filename) headers['Content-Disposition'] = `attachment; filename="${this.filename.replace(/["\\\r\n]/g, '_')}"`;
    return headers;
  }
}

import { Command, Flags } from '@oclif/core';
import { serveError } from './mock/serve';

export default class Serve extends Command {
  static summary = 'Run the validating Proxmox API gateway (mock or real mode) until Ctrl-C or SIGTERM.';
  static description =
    'Speaks the Proxmox API on /api2/json/..., checks every request against the schema before it goes on, and answers ' +
    'from the built-in mock (--mode mock) or forwards to the Proxmox chosen like the CLI chooses its target (--mode real: ' +
    "flag › PROXMOX_API_* › profile). Clients with their own token or ticket use theirs; others get the gateway's " +
    'credentials only from --trusted-clients or with Authorization: Bearer KEY (keys in PVECLI_GATEWAY_KEYS=env:NAME|file:PATH). ' +
    'Also GET /health (from this host only), GET /mode, GET /metrics and GET /openapi.json. Environment: PROXMOX_API_MODE, HOST, PORT, LOG_LEVEL, CORS_ORIGINS.';
  static flags = {
    mode: Flags.string({ description: 'mock: the built-in simulator; real: a Proxmox server [env: PROXMOX_API_MODE]', options: ['mock', 'real'] }),
    host: Flags.string({ description: 'address to listen on [env: HOST] (default 127.0.0.1)' }),
    port: Flags.integer({ description: 'TCP port, 0 for any free port [env: PORT] (default 8000)', min: 0, max: 65535 }),
    schema: Flags.string({ description: 'schema to validate with, e.g. pve-9.1 (default: the profile’s, else the newest of the service)' }),
    profile: Flags.string({ char: 'p', description: 'profile of the upstream (mode real)' }),
    state: Flags.string({ description: 'mode mock: keep the state in this JSON file (default: in memory)' }),
    'tls-cert': Flags.string({ description: 'serve HTTPS with this PEM certificate (with --tls-key)' }),
    'tls-key': Flags.string({ description: 'the PEM private key of --tls-cert' }),
    'allow-unauthenticated': Flags.boolean({ description: 'allow listening beyond loopback with upstream credentials and no PVECLI_GATEWAY_KEYS' }),
    'response-validation': Flags.string({
      description: "check replies against the schema: warn (header and log), strict (502), off [env: PVECLI_RESPONSE_VALIDATION] (default warn)",
      options: ['warn', 'strict', 'off'],
    }),
    'trusted-clients': Flags.string({ description: "CIDRs whose requests without credentials use the gateway's (default 127.0.0.0/8,::1/128)" }),
  };
  static examples = [
    'pvecli serve',
    "PROXMOX_API_URL=https://pve:8006 PROXMOX_API_TOKEN_ID='gw@pve!gw' PROXMOX_API_TOKEN_SECRET=... pvecli serve --mode real",
    'PVECLI_GATEWAY_KEYS=file:/etc/pvecli/keys pvecli serve --mode real --host 0.0.0.0 --profile prod',
  ];

  async run(): Promise<void> {
    const { flags } = await this.parse(Serve);
    const { createLogger, gatewayOptions, startGateway } = require('../src/gateway') as typeof import('../src/gateway');
    const opts = gatewayOptions({
      mode: flags.mode,
      host: flags.host,
      port: flags.port,
      schema: flags.schema,
      profile: flags.profile,
      state: flags.state,
      tlsCert: flags['tls-cert'],
      tlsKey: flags['tls-key'],
      allowUnauthenticated: flags['allow-unauthenticated'],
      trustedClients: flags['trusted-clients'],
      responseValidation: flags['response-validation'],
    });
    // Listening before the start: a signal that comes while the gateway starts stops it once it has.
    const stop = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    const { queuedStderr } = require('../src/cli/io') as typeof import('../src/cli/io');
    const stderr = queuedStderr();
    const log = createLogger(opts.logLevel, stderr.write);
    try {
      const gateway = await startGateway(opts, log).catch((e: unknown) => {
        throw serveError(e, opts.host, opts.port);
      });
      await stop;
      await gateway.close();
    } finally {
      // The log's queued lines are written before the process exits, also when the start fails.
      log.flush();
      await stderr.close();
    }
  }
}

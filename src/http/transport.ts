import * as http from 'node:http';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { Readable, type Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { ConnectError, classifyConnectFailure } from './errors';
import { authority, openTunnel } from './proxy';
import { checkPeer, connectOptions, type TlsPolicy } from './tls';
import type { WireReply, WireRequest } from './types';

/** Where and how to connect; one per client (one target host). */
export interface ConnectPlan {
  protocol: 'https:' | 'http:';
  host: string;
  port: number;
  tls: TlsPolicy;
  /** http:// proxy to tunnel through with CONNECT, or direct when undefined. */
  proxy?: URL;
  /** 0: no connect limit. */
  connectTimeoutMs: number;
}

export interface Transport {
  /** Resolves at the reply's head; the body streams (the request's signal still bounds it). */
  send(req: WireRequest): Promise<WireReply>;
  /** Replace the TLS policy (after trust-on-first-use); pooled connections are dropped. */
  setTlsPolicy(policy: TlsPolicy): void;
  close(): void;
}

/**
 * Opens one connection: TCP (directly or through a CONNECT tunnel), then TLS, then the certificate check, all under
 * the connect timeout. Resolves only when the peer is trusted, so no request byte reaches an unverified server.
 */
export function openConnection(plan: ConnectPlan, signal?: AbortSignal, opts: { checkPeer?: boolean } = {}): Promise<Duplex> {
  const where = authority(plan.host, plan.port);
  return new Promise<Duplex>((resolve, reject) => {
    let current: Socket | undefined;
    let tunnel: Socket | undefined;
    let settled = false;
    // Stops a pending CONNECT when the attempt ends early (timeout, abort).
    const tunnelCancel = new AbortController();
    const finish = (err: unknown, socket?: Duplex) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err) {
        tunnelCancel.abort();
        current?.destroy();
        tunnel?.destroy();
        reject(err);
      } else {
        // As node:http's own agent does: without it Nagle's algorithm holds a request's last segment until the
        // previous one is acknowledged (delayed ACK, up to 40 ms), and a keep-alive pool crawls.
        tunnel?.setNoDelay(true);
        current?.setNoDelay(true);
        resolve(socket!);
      }
    };
    const timer = plan.connectTimeoutMs <= 0 ? undefined : setTimeout(() => {
      const via = plan.proxy ? ` through proxy ${plan.proxy.host}` : '';
      finish(new ConnectError('timeout', `connect timeout after ${plan.connectTimeoutMs / 1000} s to ${where}${via}`, 'ETIMEDOUT'));
    }, plan.connectTimeoutMs);
    const onAbort = () => finish(signal?.reason ?? new Error('aborted'));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });

    const secure = (raw?: Socket) => {
      const options: tls.ConnectionOptions = {
        ...connectOptions(plan.tls),
        // SNI only for names: Node deprecates an IP address as servername.
        ...(isIP(plan.host) ? {} : { servername: plan.host }),
        ...(raw ? { socket: raw } : { host: plan.host, port: plan.port }),
      };
      const socket = tls.connect(options);
      current = socket;
      socket.once('secureConnect', () => {
        try {
          if (opts.checkPeer !== false) checkPeer(socket, plan.host, plan.tls);
          socket.removeListener('error', onError);
          finish(null, socket);
        } catch (err) {
          finish(err);
        }
      });
      const onError = (err: NodeJS.ErrnoException) => finish(classifyConnectFailure(err, where, !!plan.proxy));
      // `on`, not `once`: a second error while tearing down must not become an uncaught exception.
      socket.on('error', onError);
    };

    if (plan.proxy) {
      openTunnel(plan.proxy, plan.host, plan.port, tunnelCancel.signal).then(
        (raw) => {
          if (settled) return void raw.destroy();
          raw.on('error', () => {}); // reported through the TLS socket (or `finish`), never uncaught
          tunnel = raw;
          current = raw;
          if (plan.protocol === 'https:') secure(raw);
          else finish(null, raw);
        },
        (err) => finish(err),
      );
    } else if (plan.protocol === 'https:') {
      secure();
    } else {
      const socket = netConnect({ host: plan.host, port: plan.port });
      current = socket;
      const onError = (err: NodeJS.ErrnoException) => finish(classifyConnectFailure(err, where, false));
      socket.on('error', onError);
      socket.once('connect', () => {
        socket.removeListener('error', onError);
        finish(null, socket);
      });
    }
  });
}

/** A keep-alive pool whose sockets come from openConnection (Node's Agent accepts an async createConnection). */
class PlanAgent extends http.Agent {
  constructor(public plan: ConnectPlan) {
    super({ keepAlive: true, maxSockets: 8 });
  }
}
(PlanAgent.prototype as unknown as { createConnection: unknown }).createConnection = function (
  this: PlanAgent,
  options: { connectSignal?: AbortSignal },
  oncreate: (err: Error | null, socket?: Duplex) => void,
): undefined {
  openConnection(this.plan, options.connectSignal).then(
    (socket) => oncreate(null, socket),
    (err: Error) => oncreate(err),
  );
  return undefined;
};

/** node:http over our own connections: ~18 ms per one-shot request where undici 7 costs ~140 ms more to load. */
export function createTransport(plan: ConnectPlan): Transport {
  let agent = new PlanAgent(plan);
  return {
    send(req) {
      return new Promise<WireReply>((resolve, reject) => {
        const outgoing = http.request(
          {
            host: plan.host,
            port: plan.port,
            method: req.method,
            path: `${req.url.pathname}${req.url.search}`,
            headers: { host: req.url.host, ...req.headers },
            agent,
            signal: req.signal,
            // node:http keeps `signal` from the agent; under another name it reaches createConnection, so the
            // request's deadline also bounds the TCP connect and the TLS handshake.
            connectSignal: req.signal,
          } as http.RequestOptions,
          (res) => resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? '', headers: res.headers, body: res }),
        );
        // `reusedSocket` tells a keep-alive socket the server closed meanwhile from a real failure.
        outgoing.once('error', (err) => reject(Object.assign(err, { reusedSocket: outgoing.reusedSocket })));
        if (req.body instanceof Readable) {
          req.body.once('error', (err) => outgoing.destroy(err));
          req.body.pipe(outgoing);
        } else {
          outgoing.end(req.body);
        }
      });
    },
    setTlsPolicy(policy) {
      agent.destroy();
      agent = new PlanAgent({ ...plan, tls: policy });
      plan = agent.plan;
    },
    close() {
      agent.destroy();
    },
  };
}

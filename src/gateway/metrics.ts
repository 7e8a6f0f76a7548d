/**
 * GET /metrics in Prometheus's text format (0.0.4), kept by hand (a few counters and one histogram need no
 * library): requests by method, operation and status; the upstream's time to answer; requests refused by
 * validation; reply violations. Operations are schema templates, so the label set stays bounded whatever clients send.
 */

/** Seconds: loopback answers in milliseconds, a busy cluster in seconds. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (l: Record<string, string>) => `{${Object.entries(l).map(([k, v]) => `${k}="${escape(v)}"`).join(',')}}`;

class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    private readonly name: string,
    private readonly help: string,
  ) {}

  add(l: Record<string, string>, n = 1): void {
    const key = labels(l);
    this.values.set(key, (this.values.get(key) ?? 0) + n);
  }

  render(): string[] {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`, ...[...this.values].map(([l, v]) => `${this.name}${l} ${v}`)];
  }
}

class Histogram {
  private readonly counts = BUCKETS.map(() => 0);
  private sum = 0;
  private count = 0;
  constructor(
    private readonly name: string,
    private readonly help: string,
  ) {}

  observe(seconds: number): void {
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) this.counts[i]++;
    });
    this.sum += seconds;
    this.count++;
  }

  render(): string[] {
    return [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} histogram`,
      ...BUCKETS.map((b, i) => `${this.name}_bucket{le="${b}"} ${this.counts[i]}`),
      `${this.name}_bucket{le="+Inf"} ${this.count}`,
      `${this.name}_sum ${this.sum}`,
      `${this.name}_count ${this.count}`,
    ];
  }
}

export class Metrics {
  readonly requests = new Counter('pvecli_gateway_requests_total', 'Requests answered, by method, operation template and status.');
  readonly upstream = new Histogram('pvecli_gateway_upstream_seconds', 'Time until the upstream (or the mock) answered a forwarded request.');
  readonly invalid = new Counter('pvecli_gateway_invalid_requests_total', 'Requests refused by validation before anything went upstream.');
  readonly violations = new Counter('pvecli_gateway_reply_violations_total', "Violations of the operation's returns schema found in replies.");

  render(): string {
    return [...this.requests.render(), ...this.upstream.render(), ...this.invalid.render(), ...this.violations.render()].join('\n') + '\n';
  }
}

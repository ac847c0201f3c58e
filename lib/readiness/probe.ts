import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * The readiness probe: one HTTP request to a service, answered with its status code or why there was none.
 * RUNNING only says App Runner finished its operation; the probe asks the application itself.
 */

/** One probe's answer: the HTTP status, or the error that stopped it (time-out, refused, TLS…). */
export interface ProbeAnswer {
  status?: number;
  error?: string;
}

export interface ReadinessProbe {
  /** Requests `https://<host><path>`, giving up after `timeoutMs`. Never throws. */
  probe(host: string, path: string, timeoutMs: number): Promise<ProbeAnswer>;
}

/**
 * The probe over HTTPS to the service's own URL. With `endpoint` (READY_CHECK_ENDPOINT_URL) every probe goes
 * to that base URL instead, with the `Host` header (and TLS server name) set to the service's URL — the way
 * to reach services through one local endpoint (the emulator) or a proxy. Uses node:http(s), not fetch:
 * fetch drops a Host header it is given.
 */
export class HttpReadinessProbe implements ReadinessProbe {
  private readonly base: URL | undefined;

  constructor(options: { endpoint?: string } = {}) {
    this.base = options.endpoint ? new URL(options.endpoint) : undefined;
  }

  probe(host: string, path: string, timeoutMs: number): Promise<ProbeAnswer> {
    const target = this.base ?? new URL(`https://${host}`);
    const secure = target.protocol === 'https:';
    const send = secure ? httpsRequest : httpRequest;
    const basePath = this.base ? this.base.pathname.replace(/\/$/, '') : '';
    return new Promise<ProbeAnswer>((resolve) => {
      let settled = false;
      const done = (answer: ProbeAnswer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(answer);
      };
      const req = send(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port || (secure ? 443 : 80),
          path: `${basePath}${path.startsWith('/') ? path : `/${path}`}`,
          method: 'GET',
          headers: { host, 'user-agent': 'apprunner-scheduler-readiness-probe', accept: '*/*' },
          ...(secure ? { servername: host } : {}),
          agent: false,
        },
        (res) => {
          res.resume();
          done({ status: res.statusCode ?? 0 });
        },
      );
      const timer = setTimeout(() => {
        done({ error: `no answer within ${timeoutMs} ms` });
        req.destroy();
      }, timeoutMs);
      req.on('error', (error) => done({ error: error.message }));
      req.end();
    });
  }
}

/** A good answer: the application answers (anything below 500; redirects and 4xx included). */
export function isGoodAnswer(answer: ProbeAnswer): boolean {
  return answer.status !== undefined && answer.status < 500;
}

/** `503` or `no answer within 2000 ms`: an answer as the report words it. */
export function describeAnswer(answer: ProbeAnswer): string {
  return answer.status !== undefined ? `HTTP ${answer.status}` : (answer.error ?? 'no answer');
}

import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { DashboardAddress } from './client.js';

const SDK_SCRIPT = fileURLToPath(new URL('../scripts/otlp-sdk.mjs', import.meta.url));

/** What a run of `scripts/otlp-sdk.mjs` printed: the span's ids, and each failed export on stderr. */
export interface SdkRun {
  code: number | null;
  ids: { traceId: string; spanId: string } | undefined;
  stderr: string;
}

/**
 * The two lines of environment that point any OpenTelemetry SDK at a dashboard,
 * as the README gives them; `token: null` leaves the header out.
 */
export function otlpEnv(address: DashboardAddress, token: string | null = address.token): Record<string, string> {
  const env: Record<string, string> = { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${address.origin}/v1/logs` };
  if (token !== null) env.OTEL_EXPORTER_OTLP_HEADERS = `Authorization=Bearer%20${token}`;
  return env;
}

/** Runs the OpenTelemetry SDK service with `encoding` and `service` in its own process, to its end. */
export function runSdk(encoding: 'json' | 'protobuf', service: string, env: Record<string, string>): Promise<SdkRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [SDK_SCRIPT, encoding, service],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (_err, stdout, stderr) => {
        const line = stdout.trim().split('\n').pop() ?? '';
        resolve({ code: child.exitCode, ids: line.startsWith('{') ? JSON.parse(line) : undefined, stderr });
      },
    );
  });
}

/** The status and body of one `POST /v1/logs`; `declaredLength` announces a size and sends only `body`. */
export function postLogs(
  address: DashboardAddress,
  body: Buffer | string | Iterable<Buffer>,
  headers: Record<string, string | number>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${address.origin}/v1/logs`,
      { method: 'POST', headers: { Authorization: `Bearer ${address.token}`, ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    // The server answers and closes without reading a body it refuses: the answer is what counts.
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
    });
    if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else {
      const chunks = body[Symbol.iterator]();
      const next = (): void => {
        const { value, done } = chunks.next();
        if (done || req.destroyed) req.end();
        else if (req.write(value)) next();
        else req.once('drain', next);
      };
      next();
    }
  });
}

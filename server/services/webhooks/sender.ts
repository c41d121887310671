import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { resolveTarget } from './target.js';

const TIMEOUT_MS = 10_000;

/** `sha256=<hex HMAC-SHA256 of the body with the secret>`, the X-Hub-Signature-256 header (§14). */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** What one attempt came to: the receiver's status, or why there was none. */
export interface SendResult {
  status: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * Posts a signed body to a webhook. The connection goes to the address resolveTarget checked (the socket's
 * lookup answers it), TLS still verifies the URL's host name, and a redirect is a failure, not followed.
 */
export async function post(
  url: string,
  body: string,
  headers: { secret: string; deliveryId: string; event: string },
  allowPrivate: boolean,
): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const target = new URL(url);
    const checked = await resolveTarget(target.hostname, allowPrivate);
    const lookup: LookupFunction = (_host, options, callback) => {
      if (options.all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [checked]);
      else callback(null, checked.address, checked.family);
    };
    const client = target.protocol === 'https:' ? https : http;
    const status = await new Promise<number>((resolve, reject) => {
      const req = client.request(
        target,
        {
          method: 'POST',
          lookup,
          timeout: TIMEOUT_MS,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'PartnerHub-Webhook/1',
            'x-hub-signature-256': signature(headers.secret, body),
            'x-hub-delivery': headers.deliveryId,
            'x-hub-event': headers.event,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
      req.on('error', reject);
      req.end(body);
    });
    const ok = status >= 200 && status < 300;
    return { status, error: ok ? null : status >= 300 && status < 400 ? 'redirects are not followed' : `answered ${status}`, durationMs: elapsed() };
  } catch (error) {
    return { status: null, error: (error as Error).message.slice(0, 200), durationMs: elapsed() };
  }
}

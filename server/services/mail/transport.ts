import nodemailer from 'nodemailer';
import type { RenderedMail } from './templates.js';

/** Hands one mail to the mail server; rejects when it refuses or does not answer in time. */
export interface MailTransport {
  send(mail: RenderedMail & { from: string; to: string }): Promise<void>;
  close(): void;
}

// A server that accepts the connection and then says nothing holds a worker this long at most.
const CONNECT_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 30_000;

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|::1)$/;

/**
 * An SMTP transport for `smtp://[user:pass@]host:port` (STARTTLS when offered) or `smtps://` (TLS from
 * the start). With a user and password STARTTLS is required — credentials never cross the network in
 * clear — except to a server on this machine.
 */
export function smtpTransport(smtpUrl: string, timeouts = { connectMs: CONNECT_TIMEOUT_MS, socketMs: SOCKET_TIMEOUT_MS }): MailTransport {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const transporter = nodemailer.createTransport({
    host,
    requireTLS: !secure && url.username !== '' && !LOOPBACK.test(host),
    port: url.port ? Number(url.port) : secure ? 465 : 25,
    secure,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: timeouts.connectMs,
    greetingTimeout: timeouts.connectMs,
    socketTimeout: timeouts.socketMs,
  });
  return {
    async send(mail) {
      await transporter.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    },
    close: () => transporter.close(),
  };
}

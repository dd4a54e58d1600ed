import nodemailer from 'nodemailer';

/** Sends one email; `messageId` is stable per notification, so a resend is recognisable. */
export interface Mailer {
  send(message: { to: string[]; subject: string; text: string; messageId: string }): Promise<void>;
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[?::1\]?)$/i;

/**
 * A mailer over SMTP: `smtps://user:pass@host:465` (TLS from the start) or `smtp://…:587`, where
 * STARTTLS is required (credentials never cross the network in clear) unless the server is on
 * this machine. Timeouts stay well inside the notification activity's, so a slow server fails
 * the attempt rather than racing its retry. Recipients are in Bcc: they do not see each other.
 */
export function smtpMailer(smtpUrl: string, from: string): Mailer {
  const url = new URL(smtpUrl);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    requireTLS: url.protocol === 'smtp:' && !LOOPBACK.test(url.hostname),
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 15_000,
  });
  return {
    async send({ to, subject, text, messageId }) {
      await transport.sendMail({ from, bcc: to, subject, text, messageId });
    },
  };
}

import nodemailer from 'nodemailer';
import type { Config } from '../config';

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

/** The mailer for email notifications, when SMTP is configured. */
export function mailerFor(config: Config): Mailer | undefined {
  return config.SMTP_URL ? smtpMailer(config.SMTP_URL, config.MAIL_FROM) : undefined;
}

/**
 * The email that brings an invitation to the person invited: a link to the web app (served by the
 * API's process, so at `apiUrl`) where they set a password, or the code for an API token; the code
 * works once, until `expiresAt`.
 */
export function invitationEmail(input: {
  workspaceName: string;
  role: string;
  code: string;
  expiresAt: string;
  apiUrl: string;
}): { subject: string; text: string } {
  return {
    subject: `You are invited to ${input.workspaceName} on Chorus`,
    text: [
      `You have been added to the Chorus workspace "${input.workspaceName}" as ${input.role}.`,
      '',
      `Open this link to choose your password and sign in (it works once, until ${input.expiresAt}):`,
      '',
      `  ${input.apiUrl}/welcome?code=${encodeURIComponent(input.code)}`,
      '',
      `For scripts, the same code (${input.code}) can instead be redeemed for an API token of your own:`,
      '',
      `  npx chorus invite accept --code ${input.code} --api ${input.apiUrl}`,
      '',
      `or POST ${input.apiUrl}/v1/invitations/accept with {"code": "${input.code}"}.`,
      'The token is shown once; keep it like a password. If you did not expect this, ignore this email.',
    ].join('\n'),
  };
}

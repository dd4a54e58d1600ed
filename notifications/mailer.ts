import nodemailer from 'nodemailer';

/** Sends one email; `messageId` is stable per notification, so a resend is recognisable. */
export interface Mailer {
  send(message: { to: string[]; subject: string; text: string; messageId: string }): Promise<void>;
}

/** A mailer over SMTP: `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`. */
export function smtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send({ to, subject, text, messageId }) {
      await transport.sendMail({ from, to, subject, text, messageId });
    },
  };
}

import 'server-only';
import nodemailer, { type Transporter } from 'nodemailer';
import { z } from 'zod';
import { describeError, PermanentJobError, type JobHandler } from '@/lib/jobs/worker';
import { brandEmail, type MailAttachment } from '@/lib/settings/branding-email';
import type { DeskbellDatabase } from '@/lib/store/database';

/**
 * E-mail notifications over SMTP (SMTP_URL). Each e-mail is its own durable job, so a mail
 * server that is down delays the e-mail (with backoff) instead of losing it, and a job that
 * runs twice sends once: the row says whether it already went out.
 */

export type MailMessage = { from: string; to: string; subject: string; text: string; html?: string; attachments?: MailAttachment[] };
export type SendMail = (message: MailMessage) => Promise<void>;

/** Undefined when no SMTP server is configured: e-mail is then simply not a channel. */
export function createSmtpSender(smtpUrl: string | undefined): SendMail | undefined {
  if (!smtpUrl) return undefined;
  const transport: Transporter = nodemailer.createTransport(smtpUrl, {
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  } as Parameters<typeof nodemailer.createTransport>[1]);
  return async (message) => {
    await transport.sendMail(message);
  };
}

const emailJobPayload = z.object({ notificationId: z.uuid() });

export function createEmailJobHandler(deps: { db: DeskbellDatabase; send: SendMail | undefined; from: string }): JobHandler {
  return {
    async run(job) {
      const { notificationId } = emailJobPayload.parse(job.payload);
      const row = await deps.db.selectFrom('notifications').selectAll().where('id', '=', notificationId).executeTakeFirst();
      if (!row || row.channel !== 'email' || row.status === 'delivered') return;
      if (!deps.send) throw new PermanentJobError('SMTP is no longer configured (SMTP_URL)');
      if (!row.recipient) throw new PermanentJobError('the notification has no recipient');
      await deps.db
        .updateTable('notifications')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('id', '=', row.id)
        .execute();
      // The MSP's branding, when set, adds an HTML part with its header; the text part stays as it was.
      const branded = await brandEmail(deps.db, row.title, row.body);
      await deps.send({ from: deps.from, to: row.recipient, subject: row.title, text: row.body, ...branded });
      await deps.db
        .updateTable('notifications')
        .set({ status: 'delivered', delivered_at: new Date().toISOString(), last_error: null })
        .where('id', '=', row.id)
        .execute();
    },
    async onFailure(job, error, outcome) {
      const parsed = emailJobPayload.safeParse(job.payload);
      if (!parsed.success) return;
      // SMTP errors can quote the server's greeting but never our credentials.
      await deps.db
        .updateTable('notifications')
        .set({ last_error: describeError(error).slice(0, 1000), ...(outcome.kind === 'dead' ? { status: 'failed' as const } : {}) })
        .where('id', '=', parsed.data.notificationId)
        .execute();
    },
  };
}

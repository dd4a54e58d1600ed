import { weeklyReportWorkflowId } from '../../contracts/analytics-reports';
import { PHONE, screenshot, useApp } from '../support/browser';

const { chorus, signedIn } = useApp({
  workspace: 'Weekly report screen',
  members: ['admin', 'analyst'],
  beforeClose: async (c) => {
    await c
      .harness()
      .client.workflow.getHandle(weeklyReportWorkflowId(c.workspace().workspaceId))
      .terminate('test over')
      .catch(() => undefined);
  },
});

test('an admin turns the weekly report on for Friday 17:00 in Berlin and previews it; an analyst sees it read-only', async () => {
  const p = await signedIn(chorus.member('admin'));
  await p.goto('/settings/reports');
  const form = p.getByRole('form', { name: 'Weekly report settings' });
  await form.getByText('The weekly report is off.').waitFor();
  await form.getByLabel('Send the weekly report').check();
  await form.getByLabel('Day').selectOption('5');
  await form.getByLabel('Hour').selectOption('17');
  await form.getByLabel('Time zone').fill('Europe/Berlin');
  await form.getByRole('button', { name: 'Save' }).click();
  await form.getByText(/^Next report: /).waitFor();
  const saved = (await chorus.call(chorus.member('admin').token, 'GET', '/v1/analytics/weekly-report')).json();
  expect(saved).toMatchObject({ enabled: true, weekday: 5, hour: 17, timeZone: 'Europe/Berlin' });
  // 17:00 in Berlin in winter (CET, UTC+1) is 16:00 UTC; in summer 15:00.
  expect([15, 16]).toContain(new Date(saved.next.at).getUTCHours());

  // A zone that is not one: the server's problem, naming the field.
  await form.getByLabel('Time zone').fill('Mars/Olympus');
  await form.getByRole('button', { name: 'Save' }).click();
  await form.getByRole('listitem').filter({ hasText: 'body.timeZone' }).waitFor();

  await p.getByRole('button', { name: 'Preview the last seven days' }).click();
  await p
    .getByLabel('Report preview')
    .getByText(/Weekly report screen: your week on Chorus/)
    .waitFor();
  await screenshot(p, 'weekly-report');
  await p.setViewportSize(PHONE);
  await p.getByLabel('Report preview').waitFor();
  await screenshot(p, 'weekly-report-phone');
  await p.context().close();

  const analyst = await signedIn(chorus.member('analyst'));
  await analyst.goto('/settings/reports');
  const readOnly = analyst.getByRole('form', { name: 'Weekly report settings' });
  await readOnly.getByText(/^Next report: /).waitFor();
  expect(await readOnly.getByLabel('Send the weekly report').isDisabled()).toBe(true);
  expect(await readOnly.getByRole('button', { name: 'Save' }).count()).toBe(0);
  await readOnly.getByText('Owners and admins change these settings.').waitFor();
}, 90_000);

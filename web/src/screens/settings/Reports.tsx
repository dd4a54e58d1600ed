import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { Ok } from '../../api/client';
import { api, data } from '../../api/client';
import { formatDateTime } from '../../app/format';
import { useSession } from '../../app/session';
import { ProblemMessage } from '../../components/ProblemMessage';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** The weekly analytics report: on or off, when it goes out, and what it would say now. */
export function ReportsSection() {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const settings = useQuery({
    queryKey: ['weekly-report'],
    queryFn: () => data(api.GET('/v1/analytics/weekly-report')),
  });
  const [previewing, setPreviewing] = useState(false);
  const preview = useQuery({
    queryKey: ['weekly-report-preview'],
    queryFn: () => data(api.GET('/v1/analytics/weekly-report/preview')),
    enabled: previewing,
  });
  const editable = can('manageReports');
  return (
    <section aria-labelledby="reports-title" className="settings-section">
      <h2 id="reports-title">Weekly report</h2>
      <p className="hint">
        Once a week: posts, engagements and engagement rate, top posts, followers per channel, clicks, listening and
        inbox figures, each against the week before, with a link to the dashboard. {settings.data?.recipients}.
      </p>
      {settings.error && <ProblemMessage error={settings.error} />}
      {settings.data && (
        <ReportForm
          key={settings.data.updatedAt ?? 'never set'}
          settings={settings.data}
          editable={editable}
          onPreview={() => (previewing ? void preview.refetch() : setPreviewing(true))}
          onSaved={(saved) => queryClient.setQueryData(['weekly-report'], saved)}
        />
      )}
      {preview.error && <ProblemMessage error={preview.error} />}
      {preview.data && (
        <pre className="card" aria-label="Report preview" style={{ whiteSpace: 'pre-wrap' }}>
          {preview.data.summary}
        </pre>
      )}
    </section>
  );
}

type Settings = Ok<'/v1/analytics/weekly-report', 'get'>;

function ReportForm({
  settings,
  editable,
  onPreview,
  onSaved,
}: {
  settings: Settings;
  editable: boolean;
  onPreview: () => void;
  onSaved: (saved: Settings) => void;
}) {
  const [form, setForm] = useState({
    enabled: settings.enabled,
    weekday: settings.weekday,
    hour: settings.hour,
    // Never set: the browser's own zone is a likelier choice than UTC.
    timeZone: settings.updatedAt ? settings.timeZone : Intl.DateTimeFormat().resolvedOptions().timeZone,
  });
  const save = useMutation({
    mutationFn: () => data(api.PUT('/v1/analytics/weekly-report', { body: form })),
    onSuccess: onSaved,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form className="card" onSubmit={submit} aria-label="Weekly report settings">
      <label className="check">
        <input
          type="checkbox"
          checked={form.enabled}
          disabled={!editable}
          onChange={(e) => setForm({ ...form, enabled: e.target.checked })}
        />
        Send the weekly report
      </label>
      <label>
        Day
        <select
          value={form.weekday}
          disabled={!editable}
          onChange={(e) => setForm({ ...form, weekday: Number(e.target.value) })}
        >
          {WEEKDAYS.map((day, i) => (
            <option key={day} value={i + 1}>
              {day}
            </option>
          ))}
        </select>
      </label>
      <label>
        Hour
        <select
          value={form.hour}
          disabled={!editable}
          onChange={(e) => setForm({ ...form, hour: Number(e.target.value) })}
        >
          {Array.from({ length: 24 }, (_, h) => (
            <option key={h} value={h}>
              {String(h).padStart(2, '0')}:00
            </option>
          ))}
        </select>
      </label>
      <label>
        Time zone
        <input
          required
          value={form.timeZone}
          disabled={!editable}
          placeholder="Europe/Berlin"
          onChange={(e) => setForm({ ...form, timeZone: e.target.value })}
        />
      </label>
      <p role="status">
        {settings.next
          ? `Next report: ${formatDateTime(settings.next.at)} (the week from ${formatDateTime(settings.next.from)}).`
          : 'The weekly report is off.'}
      </p>
      {save.error && <ProblemMessage error={save.error} />}
      {save.isSuccess && <p role="status">Saved.</p>}
      <div className="actions">
        {editable && (
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
        )}
        <button type="button" onClick={onPreview}>
          Preview the last seven days
        </button>
      </div>
      {!editable && <p className="muted">Owners and admins change these settings.</p>}
    </form>
  );
}

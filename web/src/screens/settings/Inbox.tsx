import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { ROLES, type Role } from '../../../../contracts/domain';
import { PRIORITIES, type Priority } from '../../../../contracts/inbox';
import { api, data, type Ok } from '../../api/client';
import { useSession } from '../../app/session';
import { ProblemMessage } from '../../components/ProblemMessage';
import { memberName, type Body, type Channel, type Member } from './common';
import { cleanStep, newStep, StepEditor, type Step } from './Policies';

type SlaTargets = Ok<'/v1/inbox/sla-targets', 'get'>['targets'];
type Rule = Ok<'/v1/inbox/assignment-rules', 'get'>['rules'][number];
type RuleBody = Body<'/v1/inbox/assignment-rules', 'post'>;
type ReplyApproval = Ok<'/v1/inbox/settings', 'get'>['replyApproval'];

const SENTIMENTS = ['positive', 'negative', 'neutral'] as const;

/** The inbox's settings: being away, SLA targets, assignment rules and which replies need approval. */
export function InboxSection() {
  const members = useQuery({ queryKey: ['members'], queryFn: () => data(api.GET('/v1/members')) });
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => data(api.GET('/v1/channels')) });
  const list = members.data?.members ?? [];
  return (
    <section aria-labelledby="inbox-settings-title" className="settings-section">
      <h2 id="inbox-settings-title">Inbox</h2>
      {members.error && <ProblemMessage error={members.error} />}
      <AwayCard members={list} />
      <SlaTargetsCard />
      <AssignmentRulesCard members={list} channels={channels.data?.channels ?? []} />
      <ReplyApprovalCard members={list} />
    </section>
  );
}

/** "I'm away": round-robin assignment skips a member who is away; managers set it for others too. */
function AwayCard({ members }: { members: Member[] }) {
  const { session, can } = useSession();
  const queryClient = useQueryClient();
  const away = useQuery({ queryKey: ['inbox', 'away'], queryFn: () => data(api.GET('/v1/inbox/away')) });
  const set = useMutation({
    mutationFn: (input: { userId: string; away: boolean }) =>
      input.userId === session.user.id
        ? data(api.PUT('/v1/inbox/away', { body: { away: input.away } }))
        : data(
            api.PUT('/v1/inbox/away/{userId}', {
              params: { path: { userId: input.userId } },
              body: { away: input.away },
            }),
          ),
    onSuccess: (answer) => {
      queryClient.setQueryData(['inbox', 'away'], (old: { awayUserIds: string[] } | undefined) => ({
        awayUserIds: [
          ...(old?.awayUserIds ?? []).filter((id) => id !== answer.userId),
          ...(answer.away ? [answer.userId] : []),
        ],
      }));
      return queryClient.invalidateQueries({ queryKey: ['inbox', 'away'] });
    },
  });
  // My answer while it is on its way: the box shows it at once (a checkbox that lags reads as broken). Local
  // state, set in the click's own event, so the box never renders the old value in between.
  const [sending, setSending] = useState<boolean | null>(null);
  const awayIds = new Set(away.data?.awayUserIds ?? []);
  const me = session.user.id;
  const others = members.filter((m) => m.userId !== me && awayIds.has(m.userId));
  return (
    <div className="card" aria-labelledby="away-title" role="group">
      <h3 id="away-title">Away</h3>
      <p className="hint">
        While you are away, assignment rules pass you over; conversations already yours stay yours.
      </p>
      {away.error && <ProblemMessage error={away.error} />}
      <label className="check">
        <input
          type="checkbox"
          checked={sending ?? awayIds.has(me)}
          disabled={!away.data || set.isPending}
          onChange={(e) => {
            setSending(e.target.checked);
            set.mutate({ userId: me, away: e.target.checked }, { onSettled: () => setSending(null) });
          }}
        />
        I’m away
      </label>
      {can('manageInbox') && others.length > 0 && (
        <ul className="plain-list" aria-label="Others away">
          {others.map((m) => (
            <li key={m.userId} className="row-head">
              <span>{memberName(m)} is away</span>
              <button
                type="button"
                disabled={set.isPending}
                onClick={() => set.mutate({ userId: m.userId, away: false })}
              >
                Mark {m.name ?? m.email} back
              </button>
            </li>
          ))}
        </ul>
      )}
      {set.error && <ProblemMessage error={set.error} />}
    </div>
  );
}

type TargetDraft = Record<Priority, { on: boolean; first: string; resolution: string; remind: string }>;

function draftOf(targets: SlaTargets): TargetDraft {
  return Object.fromEntries(
    PRIORITIES.map((p) => {
      const t = targets.find((x) => x.priority === p);
      return [
        p,
        {
          on: t !== undefined,
          first: t ? String(t.firstResponseMinutes) : '',
          resolution: t ? String(t.resolutionMinutes) : '',
          remind: t ? String(t.remindBeforeMinutes) : '0',
        },
      ];
    }),
  ) as TargetDraft;
}

/** Response-time targets per priority, in minutes; a priority without one has no SLA. */
function SlaTargetsCard() {
  const id = useId();
  const { can } = useSession();
  const queryClient = useQueryClient();
  const targets = useQuery({
    queryKey: ['inbox', 'sla-targets'],
    queryFn: () => data(api.GET('/v1/inbox/sla-targets')),
  });
  const [draft, setDraft] = useState<TargetDraft | undefined>(undefined);
  const save = useMutation({
    mutationFn: (d: TargetDraft) =>
      data(
        api.PUT('/v1/inbox/sla-targets', {
          body: {
            targets: PRIORITIES.filter((p) => d[p].on).map((p) => ({
              priority: p,
              firstResponseMinutes: Number(d[p].first),
              resolutionMinutes: Number(d[p].resolution),
              remindBeforeMinutes: Number(d[p].remind || 0),
            })),
          },
        }),
      ),
    onSuccess: async () => {
      setDraft(undefined);
      await queryClient.invalidateQueries({ queryKey: ['inbox'] });
    },
  });
  const editable = can('manageInbox');
  const shown = draft ?? (targets.data ? draftOf(targets.data.targets) : undefined);
  const edit = (p: Priority, patch: Partial<TargetDraft[Priority]>) =>
    shown && setDraft({ ...shown, [p]: { ...shown[p], ...patch } });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (shown) save.mutate(shown);
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>SLA targets</h3>
      <p className="hint">
        Minutes from a customer’s first message to the team’s first reply, and to closing the conversation. The assignee
        is reminded before a deadline; at the deadline it is escalated.
      </p>
      {targets.error && <ProblemMessage error={targets.error} />}
      {shown && (
        <div className="table-scroll">
          <table className="stacked-table">
            <caption className="visually-hidden">SLA targets per priority</caption>
            <thead>
              <tr>
                <th scope="col">Priority</th>
                <th scope="col">First response (min)</th>
                <th scope="col">Resolution (min)</th>
                <th scope="col">Remind before (min)</th>
              </tr>
            </thead>
            <tbody>
              {PRIORITIES.map((p) => (
                <tr key={p}>
                  <td data-label="Priority">
                    {editable ? (
                      <label className="check">
                        <input
                          type="checkbox"
                          checked={shown[p].on}
                          onChange={(e) => edit(p, { on: e.target.checked })}
                        />
                        {p}
                      </label>
                    ) : (
                      p
                    )}
                  </td>
                  {(['first', 'resolution', 'remind'] as const).map((field) => (
                    <td
                      key={field}
                      data-label={
                        field === 'first' ? 'First response' : field === 'resolution' ? 'Resolution' : 'Remind before'
                      }
                    >
                      {editable ? (
                        <input
                          type="number"
                          min={field === 'remind' ? 0 : 1}
                          required={shown[p].on}
                          disabled={!shown[p].on}
                          aria-label={`${p}: ${field === 'first' ? 'first response' : field === 'resolution' ? 'resolution' : 'remind before'} in minutes`}
                          value={shown[p][field]}
                          onChange={(e) => edit(p, { [field]: e.target.value })}
                        />
                      ) : shown[p].on ? (
                        shown[p][field]
                      ) : (
                        '—'
                      )}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {save.error && <ProblemMessage error={save.error} />}
      {save.isSuccess && !draft && <p role="status">Saved; open conversations’ deadlines follow.</p>}
      {editable && (
        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending || !draft}>
            Save targets
          </button>
        </div>
      )}
    </form>
  );
}

function describeRule(rule: Rule, members: Member[], channels: Channel[]): string {
  const c = rule.conditions;
  const when = [
    c.channelIds?.length
      ? `on ${c.channelIds.map((id) => channels.find((ch) => ch.id === id)?.name ?? 'a removed channel').join(' or ')}`
      : '',
    c.keywords?.length ? `saying ${c.keywords.map((k) => `“${k}”`).join(' or ')}` : '',
    c.sentiment ? `${c.sentiment}` : '',
    c.lead === true ? 'leads' : c.lead === false ? 'not leads' : '',
  ].filter(Boolean);
  const pool =
    'role' in rule.assignees
      ? `every ${rule.assignees.role}`
      : rule.assignees.userIds
          .map((u) =>
            memberName(
              members.find((m) => m.userId === u),
              'a former member',
            ),
          )
          .join(', ');
  return `${when.length ? when.join(', ') : 'Every new conversation'} → in turn among ${pool}`;
}

/** Rules assigning new conversations, first match by position, in turn among members not away. */
function AssignmentRulesCard({ members, channels }: { members: Member[]; channels: Channel[] }) {
  const id = useId();
  const { can } = useSession();
  const queryClient = useQueryClient();
  const rules = useQuery({
    queryKey: ['inbox', 'assignment-rules'],
    queryFn: () => data(api.GET('/v1/inbox/assignment-rules')),
  });
  const [editing, setEditing] = useState<'new' | Rule | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['inbox', 'assignment-rules'] });
  const change = useMutation({
    mutationFn: (input: { rule: Rule; patch: Partial<RuleBody> }) =>
      data(
        api.PUT('/v1/inbox/assignment-rules/{id}', {
          params: { path: { id: input.rule.id } },
          body: {
            name: input.rule.name,
            enabled: input.rule.enabled,
            conditions: input.rule.conditions,
            assignees: input.rule.assignees,
            position: input.rule.position,
            ...input.patch,
          },
        }),
      ),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (rule: Rule) =>
      data(api.DELETE('/v1/inbox/assignment-rules/{id}', { params: { path: { id: rule.id } } })),
    onSuccess: refresh,
  });
  const list = rules.data?.rules ?? [];
  const editable = can('manageInbox');
  return (
    <div className="card" role="group" aria-labelledby={`${id}-title`}>
      <div className="section-head">
        <h3 id={`${id}-title`}>Assignment rules</h3>
        {editable && editing === null && (
          <button type="button" onClick={() => setEditing('new')}>
            New rule
          </button>
        )}
      </div>
      <p className="hint">A new conversation goes to the first enabled rule it matches; none matched: unassigned.</p>
      {rules.error && <ProblemMessage error={rules.error} />}
      {rules.data && list.length === 0 && <p className="muted">No rules: conversations arrive unassigned.</p>}
      <ol className="plain-list">
        {list.map((rule, i) => (
          <li key={rule.id} className="card step-editor">
            <div className="row-head">
              <strong>
                {rule.position}. {rule.name}
              </strong>
              {!rule.enabled && <span className="badge paused">disabled</span>}
            </div>
            <span>{describeRule(rule, members, channels)}</span>
            {editable && (
              <div className="actions">
                <button type="button" onClick={() => setEditing(rule)}>
                  Edit<span className="visually-hidden"> {rule.name}</span>
                </button>
                <button
                  type="button"
                  disabled={change.isPending}
                  onClick={() => change.mutate({ rule, patch: { enabled: !rule.enabled } })}
                >
                  {rule.enabled ? 'Disable' : 'Enable'}
                  <span className="visually-hidden"> {rule.name}</span>
                </button>
                {i > 0 && (
                  <button
                    type="button"
                    disabled={change.isPending}
                    onClick={() => change.mutate({ rule, patch: { position: rule.position - 1 } })}
                  >
                    Move up<span className="visually-hidden"> {rule.name}</span>
                  </button>
                )}
                <button
                  type="button"
                  className="danger"
                  disabled={remove.isPending}
                  onClick={() => window.confirm(`Delete the rule “${rule.name}”?`) && remove.mutate(rule)}
                >
                  Delete<span className="visually-hidden"> {rule.name}</span>
                </button>
              </div>
            )}
          </li>
        ))}
      </ol>
      {(change.error ?? remove.error) && <ProblemMessage error={change.error ?? remove.error} />}
      {editing !== null && (
        <RuleEditor
          key={editing === 'new' ? 'new' : editing.id}
          rule={editing === 'new' ? undefined : editing}
          members={members}
          channels={channels}
          onDone={() => setEditing(null)}
        />
      )}
    </div>
  );
}

function RuleEditor({
  rule,
  members,
  channels,
  onDone,
}: {
  rule: Rule | undefined;
  members: Member[];
  channels: Channel[];
  onDone: () => void;
}) {
  const id = useId();
  const queryClient = useQueryClient();
  const [name, setName] = useState(rule?.name ?? '');
  const [channelIds, setChannelIds] = useState<string[]>(rule?.conditions.channelIds ?? []);
  const [keywords, setKeywords] = useState((rule?.conditions.keywords ?? []).join(', '));
  const [sentiment, setSentiment] = useState<string>(rule?.conditions.sentiment ?? '');
  const [lead, setLead] = useState<string>(rule?.conditions.lead === undefined ? '' : String(rule.conditions.lead));
  const [poolKind, setPoolKind] = useState<'role' | 'members'>(
    rule && !('role' in rule.assignees) ? 'members' : 'role',
  );
  const [role, setRole] = useState<Role>(rule && 'role' in rule.assignees ? rule.assignees.role : 'editor');
  const [userIds, setUserIds] = useState<string[]>(rule && 'userIds' in rule.assignees ? rule.assignees.userIds : []);
  const body = (): RuleBody => {
    const words = keywords
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
    return {
      name: name.trim(),
      enabled: rule?.enabled ?? true,
      conditions: {
        ...(channelIds.length ? { channelIds } : {}),
        ...(words.length ? { keywords: words } : {}),
        ...(sentiment ? { sentiment: sentiment as (typeof SENTIMENTS)[number] } : {}),
        ...(lead ? { lead: lead === 'true' } : {}),
      },
      assignees: poolKind === 'role' ? { role } : { userIds },
      ...(rule ? { position: rule.position } : {}),
    };
  };
  const save = useMutation({
    mutationFn: () =>
      rule
        ? data(api.PUT('/v1/inbox/assignment-rules/{id}', { params: { path: { id: rule.id } }, body: body() }))
        : data(api.POST('/v1/inbox/assignment-rules', { body: body() })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['inbox', 'assignment-rules'] });
      onDone();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const toggle = (list: string[], item: string, on: boolean) => (on ? [...list, item] : list.filter((x) => x !== item));
  return (
    <form className="card step-editor" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{rule ? `Edit “${rule.name}”` : 'New assignment rule'}</h3>
      <label>
        Rule name
        <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <fieldset>
        <legend>When a new conversation… (every condition given must hold)</legend>
        {channels.length > 0 && (
          <div className="check-row" role="group" aria-label="Came through one of these channels">
            {channels.map((c) => (
              <label key={c.id} className="check">
                <input
                  type="checkbox"
                  checked={channelIds.includes(c.id)}
                  onChange={(e) => setChannelIds((l) => toggle(l, c.id, e.target.checked))}
                />
                {c.name}
              </label>
            ))}
          </div>
        )}
        <div className="field-row">
          <label>
            Says any of these words (comma-separated)
            <input value={keywords} onChange={(e) => setKeywords(e.target.value)} placeholder="refund, broken" />
          </label>
          <label>
            Sentiment
            <select value={sentiment} onChange={(e) => setSentiment(e.target.value)}>
              <option value="">Any</option>
              {SENTIMENTS.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label>
            Lead
            <select value={lead} onChange={(e) => setLead(e.target.value)}>
              <option value="">Either</option>
              <option value="true">A lead</option>
              <option value="false">Not a lead</option>
            </select>
          </label>
        </div>
      </fieldset>
      <fieldset>
        <legend>…assign it in turn among (members away are skipped)</legend>
        <label>
          Who
          <select value={poolKind} onChange={(e) => setPoolKind(e.target.value as 'role' | 'members')}>
            <option value="role">Every member with a role</option>
            <option value="members">These members</option>
          </select>
        </label>
        {poolKind === 'role' ? (
          <label>
            Role
            <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <div className="check-row" role="group" aria-label="Members">
            {members.map((m) => (
              <label key={m.userId} className="check">
                <input
                  type="checkbox"
                  checked={userIds.includes(m.userId)}
                  onChange={(e) => setUserIds((l) => toggle(l, m.userId, e.target.checked))}
                />
                {memberName(m)}
              </label>
            ))}
          </div>
        )}
      </fieldset>
      {save.error && <ProblemMessage error={save.error} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save rule
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

type Mode = ReplyApproval['mode'];
const MODES: { mode: Mode; label: string }[] = [
  { mode: 'none', label: 'No reply needs approval' },
  { mode: 'all', label: 'Every reply' },
  { mode: 'roles', label: 'Replies written by members with certain roles' },
  { mode: 'rules', label: 'Replies the content rules flag (their steps added)' },
];

/** Which replies go through an approval chain before they are sent, and its steps. */
function ReplyApprovalCard({ members }: { members: Member[] }) {
  const id = useId();
  const { can } = useSession();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['inbox', 'settings'], queryFn: () => data(api.GET('/v1/inbox/settings')) });
  const [draft, setDraft] = useState<{ mode: Mode; roles: Role[]; steps: Step[] } | undefined>(undefined);
  const current = settings.data?.replyApproval;
  const shown =
    draft ??
    (current && {
      mode: current.mode,
      roles: current.roles ?? [],
      steps: (current.steps ?? []).map((s) => cleanStep(s as Step)),
    });
  const save = useMutation({
    mutationFn: () => {
      const d = shown!;
      const steps = d.steps.map(cleanStep);
      const replyApproval =
        d.mode === 'none'
          ? { mode: 'none' as const }
          : d.mode === 'roles'
            ? { mode: 'roles' as const, roles: d.roles, steps }
            : { mode: d.mode, steps };
      return data(api.PUT('/v1/inbox/settings', { body: { replyApproval } }));
    },
    onSuccess: async () => {
      setDraft(undefined);
      await queryClient.invalidateQueries({ queryKey: ['inbox', 'settings'] });
    },
  });
  const editable = can('manageInbox');
  const set = (patch: Partial<NonNullable<typeof shown>>) => shown && setDraft({ ...shown, ...patch });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Reply approval</h3>
      <p className="hint">A reply that needs approval waits in its conversation until its chain approves it.</p>
      {settings.error && <ProblemMessage error={settings.error} />}
      {shown && (
        <>
          <label>
            Which replies need approval
            <select
              value={shown.mode}
              disabled={!editable}
              onChange={(e) => {
                const mode = e.target.value as Mode;
                set({ mode, steps: mode !== 'none' && shown.steps.length === 0 ? [newStep()] : shown.steps });
              }}
            >
              {MODES.map((m) => (
                <option key={m.mode} value={m.mode}>
                  {m.label}
                </option>
              ))}
            </select>
          </label>
          {shown.mode === 'roles' && (
            <fieldset disabled={!editable}>
              <legend>Replies by these roles</legend>
              <div className="check-row">
                {ROLES.map((r) => (
                  <label key={r} className="check">
                    <input
                      type="checkbox"
                      checked={shown.roles.includes(r)}
                      onChange={(e) =>
                        set({ roles: e.target.checked ? [...shown.roles, r] : shown.roles.filter((x) => x !== r) })
                      }
                    />
                    {r}
                  </label>
                ))}
              </div>
            </fieldset>
          )}
          {shown.mode !== 'none' &&
            (editable ? (
              <>
                {shown.steps.map((step, i) => (
                  <StepEditor
                    key={i}
                    step={step}
                    index={i}
                    members={members}
                    onChange={(s) => set({ steps: shown.steps.map((x, j) => (j === i ? s : x)) })}
                    onRemove={() => set({ steps: shown.steps.filter((_, j) => j !== i) })}
                  />
                ))}
                <div className="actions">
                  <button type="button" onClick={() => set({ steps: [...shown.steps, newStep()] })}>
                    Add a step
                  </button>
                </div>
              </>
            ) : (
              <ol>
                {shown.steps.map((s, i) => (
                  <li key={i}>{s.name}</li>
                ))}
              </ol>
            ))}
        </>
      )}
      {save.error && <ProblemMessage error={save.error} />}
      {save.isSuccess && !draft && <p role="status">Saved.</p>}
      {editable && (
        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending || !draft}>
            Save reply approval
          </button>
        </div>
      )}
    </form>
  );
}

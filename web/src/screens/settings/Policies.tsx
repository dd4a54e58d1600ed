import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { ROLES, type Role } from '../../../../contracts/domain';
import { api, data, type Ok } from '../../api/client';
import { useSession } from '../../app/session';
import { ProblemMessage } from '../../components/ProblemMessage';
import { memberName, type Body, type Channel, type Member } from './common';

type PolicyBody = Body<'/v1/approval-policies', 'put'>;
export type Step = PolicyBody['steps'][number];
type Approvers = Step['approvers'];
type Policy = Ok<'/v1/approval-policies', 'get'>['policies'][number];
type RuleBody = Body<'/v1/content-rules', 'post'>;
type Rule = Ok<'/v1/content-rules', 'get'>['rules'][number];

const HOUR = 3600;
export const newStep = (): Step => ({ name: 'Review', mode: 'any', approvers: { roles: ['admin'] } });

/** Seconds as hours in a number field; empty for none. */
const hoursOf = (seconds: number | undefined) => (seconds === undefined ? '' : String(seconds / HOUR));
const secondsOf = (hours: string) => (hours.trim() === '' ? undefined : Math.round(Number(hours) * HOUR));

/** Who may decide (or is escalated to): roles, and members by name. */
function ApproversPicker({
  legend,
  value,
  members,
  onChange,
}: {
  legend: string;
  value: Approvers;
  members: Member[];
  onChange: (a: Approvers) => void;
}) {
  const roles = value.roles ?? [];
  const userIds = value.userIds ?? [];
  const toggle = <T,>(list: T[], item: T, on: boolean) => (on ? [...list, item] : list.filter((x) => x !== item));
  return (
    <fieldset className="approvers">
      <legend>{legend}</legend>
      <div className="check-row">
        {ROLES.map((r) => (
          <label key={r} className="check">
            <input
              type="checkbox"
              checked={roles.includes(r)}
              onChange={(e) => onChange({ ...value, roles: toggle<Role>(roles, r, e.target.checked) })}
            />
            Every {r}
          </label>
        ))}
      </div>
      <div className="check-row">
        {members.map((m) => (
          <label key={m.userId} className="check">
            <input
              type="checkbox"
              checked={userIds.includes(m.userId)}
              onChange={(e) => onChange({ ...value, userIds: toggle(userIds, m.userId, e.target.checked) })}
            />
            {memberName(m)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** One approval step: its name, how many must approve, who, the deadline and who it escalates to. */
export function StepEditor({
  step,
  index,
  members,
  onChange,
  onRemove,
  onMove,
}: {
  step: Step;
  index: number;
  members: Member[];
  onChange: (s: Step) => void;
  onRemove?: () => void;
  onMove?: (by: -1 | 1) => void;
}) {
  const id = useId();
  const set = (patch: Partial<Step>) => onChange({ ...step, ...patch });
  return (
    <fieldset className="step-editor" aria-labelledby={`${id}-legend`}>
      <legend id={`${id}-legend`}>
        Step {index + 1}: {step.name || 'unnamed'}
      </legend>
      <div className="field-row">
        <label>
          Step name
          <input required maxLength={100} value={step.name} onChange={(e) => set({ name: e.target.value })} />
        </label>
        <label>
          Who must approve
          <select
            value={step.mode}
            onChange={(e) => {
              const mode = e.target.value as Step['mode'];
              set({ mode, quorum: mode === 'quorum' ? (step.quorum ?? 2) : undefined });
            }}
          >
            <option value="any">Any one approver</option>
            <option value="all">All approvers</option>
            <option value="quorum">A number of approvers</option>
          </select>
        </label>
        {step.mode === 'quorum' && (
          <label>
            Approvals needed
            <input
              type="number"
              min={1}
              required
              value={step.quorum ?? ''}
              onChange={(e) => set({ quorum: e.target.value === '' ? undefined : Number(e.target.value) })}
            />
          </label>
        )}
        <label>
          Deadline (hours, optional)
          <input
            type="number"
            min={0}
            step="any"
            value={hoursOf(step.deadlineSeconds)}
            onChange={(e) => set({ deadlineSeconds: secondsOf(e.target.value) })}
          />
        </label>
        <label>
          Remind before the deadline (hours)
          <input
            type="number"
            min={0}
            step="any"
            disabled={step.deadlineSeconds === undefined}
            value={hoursOf(step.remindBeforeSeconds)}
            onChange={(e) => set({ remindBeforeSeconds: secondsOf(e.target.value) })}
          />
        </label>
      </div>
      <ApproversPicker
        legend="Approvers"
        value={step.approvers}
        members={members}
        onChange={(approvers) => set({ approvers })}
      />
      {step.deadlineSeconds !== undefined && (
        <>
          <label className="check">
            <input
              type="checkbox"
              checked={step.escalateTo !== undefined}
              onChange={(e) => set({ escalateTo: e.target.checked ? { roles: ['owner'] } : undefined })}
            />
            Escalate at the deadline
          </label>
          {step.escalateTo && (
            <ApproversPicker
              legend="Escalate to"
              value={step.escalateTo}
              members={members}
              onChange={(escalateTo) => set({ escalateTo })}
            />
          )}
        </>
      )}
      {(onRemove ?? onMove) && (
        <div className="actions">
          {onMove && (
            <>
              <button type="button" onClick={() => onMove(-1)}>
                Move up<span className="visually-hidden"> step {index + 1}</span>
              </button>
              <button type="button" onClick={() => onMove(1)}>
                Move down<span className="visually-hidden"> step {index + 1}</span>
              </button>
            </>
          )}
          {onRemove && (
            <button type="button" className="danger" onClick={onRemove}>
              Remove step {index + 1}
            </button>
          )}
        </div>
      )}
    </fieldset>
  );
}

/** Steps without the empty lists and fields the API would refuse. */
export function cleanStep(step: Step): Step {
  const approvers = (a: Approvers): Approvers => ({
    ...(a.roles?.length ? { roles: a.roles } : {}),
    ...(a.userIds?.length ? { userIds: a.userIds } : {}),
  });
  return {
    name: step.name,
    mode: step.mode,
    ...(step.mode === 'quorum' ? { quorum: step.quorum } : {}),
    approvers: approvers(step.approvers),
    ...(step.deadlineSeconds !== undefined ? { deadlineSeconds: step.deadlineSeconds } : {}),
    ...(step.deadlineSeconds !== undefined && step.remindBeforeSeconds !== undefined
      ? { remindBeforeSeconds: step.remindBeforeSeconds }
      : {}),
    ...(step.deadlineSeconds !== undefined && step.escalateTo ? { escalateTo: approvers(step.escalateTo) } : {}),
  };
}

function describeStep(step: Policy['steps'][number], members: Member[]): string {
  const who = [
    ...(step.approvers.roles ?? []).map((r) => `every ${r}`),
    ...(step.approvers.userIds ?? []).map((u) =>
      memberName(
        members.find((m) => m.userId === u),
        u,
      ),
    ),
  ].join(', ');
  const mode = step.mode === 'quorum' ? `${step.quorum} of` : step.mode === 'all' ? 'all of' : 'any of';
  const deadline = step.deadlineSeconds ? `, within ${step.deadlineSeconds / HOUR} h` : '';
  const escalate = step.escalateTo
    ? `, then escalated to ${[
        ...(step.escalateTo.roles ?? []).map((r) => `every ${r}`),
        ...(step.escalateTo.userIds ?? []).map((u) =>
          memberName(
            members.find((m) => m.userId === u),
            u,
          ),
        ),
      ].join(', ')}`
    : '';
  return `${step.name}: ${mode} ${who || 'nobody'}${deadline}${escalate}`;
}

function PolicyEditor({
  channels,
  members,
  policies,
  onDone,
}: {
  channels: Channel[];
  members: Member[];
  policies: Policy[];
  onDone: () => void;
}) {
  const queryClient = useQueryClient();
  const [channelId, setChannelId] = useState<string>('');
  const existing = (cid: string) => policies.find((p) => (p.channelId ?? '') === cid && p.campaignId === null);
  const [steps, setSteps] = useState<Step[]>(() => existing('')?.steps.map(cleanStep) ?? [newStep()]);
  const [distinct, setDistinct] = useState(() => existing('')?.distinctApprovers ?? true);
  const save = useMutation({
    mutationFn: () =>
      data(
        api.PUT('/v1/approval-policies', {
          body: { channelId: channelId || null, steps: steps.map(cleanStep), distinctApprovers: distinct },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['approval-policies'] });
      onDone();
    },
  });
  const pick = (cid: string) => {
    setChannelId(cid);
    const found = existing(cid);
    setSteps(found ? found.steps.map(cleanStep) : [newStep()]);
    setDistinct(found?.distinctApprovers ?? true);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="policy-editor-title">
      <h3 id="policy-editor-title">Edit an approval policy</h3>
      <label>
        Applies to
        <select value={channelId} onChange={(e) => pick(e.target.value)}>
          <option value="">The whole workspace</option>
          {channels.map((c) => (
            <option key={c.id} value={c.id}>
              Channel {c.name}
            </option>
          ))}
        </select>
      </label>
      {steps.map((step, i) => (
        <StepEditor
          key={i}
          step={step}
          index={i}
          members={members}
          onChange={(s) => setSteps((all) => all.map((x, j) => (j === i ? s : x)))}
          onRemove={() => setSteps((all) => all.filter((_, j) => j !== i))}
          onMove={(by) =>
            setSteps((all) => {
              const j = i + by;
              if (j < 0 || j >= all.length) return all;
              const next = [...all];
              [next[i], next[j]] = [next[j]!, next[i]!];
              return next;
            })
          }
        />
      ))}
      {steps.length === 0 && <p className="muted">No steps: posts here need no approval.</p>}
      <div className="actions">
        <button type="button" onClick={() => setSteps((all) => [...all, newStep()])} disabled={steps.length >= 10}>
          Add a step
        </button>
      </div>
      <label className="check">
        <input type="checkbox" checked={distinct} onChange={(e) => setDistinct(e.target.checked)} />
        One person approves at most one step of a round
      </label>
      {save.error && <ProblemMessage error={save.error} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save policy
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function RuleForm({ channels, members, onDone }: { channels: Channel[]; members: Member[]; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [keywords, setKeywords] = useState('');
  const [regex, setRegex] = useState('');
  const [domains, setDomains] = useState('');
  const [channelIds, setChannelIds] = useState<string[]>([]);
  const [position, setPosition] = useState<'first' | 'last'>('last');
  const [step, setStep] = useState<Step>({ name: 'Legal', mode: 'any', approvers: { roles: ['admin'] } });
  const create = useMutation({
    mutationFn: () => {
      const match: RuleBody['match'] = {
        ...(list(keywords).length ? { keywords: list(keywords) } : {}),
        ...(regex.trim() ? { regex: regex.trim() } : {}),
        ...(list(domains).length ? { linkDomains: list(domains) } : {}),
        ...(channelIds.length ? { channelIds } : {}),
      };
      return data(api.POST('/v1/content-rules', { body: { name, match, step: cleanStep(step), position } }));
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['content-rules'] });
      onDone();
    },
  });
  return (
    <form
      className="card"
      aria-labelledby="rule-form-title"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <h3 id="rule-form-title">New content rule</h3>
      <div className="field-row">
        <label>
          Rule name
          <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Keywords (comma separated)
          <input value={keywords} onChange={(e) => setKeywords(e.target.value)} />
        </label>
        <label>
          Regular expression
          <input value={regex} onChange={(e) => setRegex(e.target.value)} />
        </label>
        <label>
          Link domains (comma separated)
          <input value={domains} onChange={(e) => setDomains(e.target.value)} />
        </label>
        <label>
          Where the step goes
          <select value={position} onChange={(e) => setPosition(e.target.value as 'first' | 'last')}>
            <option value="last">Last in the chain</option>
            <option value="first">First in the chain</option>
          </select>
        </label>
      </div>
      {channels.length > 0 && (
        <fieldset>
          <legend>Only on these channels (none: any)</legend>
          <div className="check-row">
            {channels.map((c) => (
              <label key={c.id} className="check">
                <input
                  type="checkbox"
                  checked={channelIds.includes(c.id)}
                  onChange={(e) =>
                    setChannelIds((ids) => (e.target.checked ? [...ids, c.id] : ids.filter((x) => x !== c.id)))
                  }
                />
                {c.name}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <StepEditor step={step} index={0} members={members} onChange={setStep} />
      {create.error && <ProblemMessage error={create.error} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          Add rule
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Approval policies (workspace-wide or per channel) and content rules; owners and admins edit them. */
export function PoliciesSection() {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [addingRule, setAddingRule] = useState(false);
  const policies = useQuery({ queryKey: ['approval-policies'], queryFn: () => data(api.GET('/v1/approval-policies')) });
  const rules = useQuery({ queryKey: ['content-rules'], queryFn: () => data(api.GET('/v1/content-rules')) });
  const members = useQuery({ queryKey: ['members'], queryFn: () => data(api.GET('/v1/members')) });
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => data(api.GET('/v1/channels')) });
  const removeRule = useMutation({
    mutationFn: (id: string) => data(api.DELETE('/v1/content-rules/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['content-rules'] }),
  });
  const people = members.data?.members ?? [];
  const channelList = channels.data?.channels ?? [];
  const target = (p: Policy) =>
    p.channelId
      ? `Channel ${channelList.find((c) => c.id === p.channelId)?.name ?? p.channelId}`
      : p.campaignId
        ? `Campaign ${p.campaignId}`
        : 'The whole workspace';
  const matchOf = (r: Rule) =>
    [
      r.match.keywords?.length ? `keywords ${r.match.keywords.join(', ')}` : '',
      r.match.regex ? `matches /${r.match.regex}/` : '',
      r.match.linkDomains?.length ? `links to ${r.match.linkDomains.join(', ')}` : '',
      r.match.channelIds?.length
        ? `on ${r.match.channelIds.map((id) => channelList.find((c) => c.id === id)?.name ?? id).join(', ')}`
        : '',
    ]
      .filter(Boolean)
      .join('; ');
  return (
    <section aria-labelledby="policies-title" className="settings-section">
      <div className="section-head">
        <h2 id="policies-title">Approval policies</h2>
        {can('manageMembers') && !editing && (
          <button type="button" className="primary" onClick={() => setEditing(true)}>
            Edit a policy
          </button>
        )}
      </div>
      {editing && policies.data && members.data && (
        <PolicyEditor
          channels={channelList}
          members={people}
          policies={policies.data.policies}
          onDone={() => setEditing(false)}
        />
      )}
      {policies.error && <ProblemMessage error={policies.error} />}
      {policies.data?.policies.length === 0 && <p className="muted">No approval policy: posts need no approval.</p>}
      <ul className="plain-list">
        {policies.data?.policies.map((p) => (
          <li key={p.id} className="card" data-testid="policy">
            <strong>{target(p)}</strong>
            {p.steps.length === 0 ? (
              <p className="muted">No approval.</p>
            ) : (
              <ol>
                {p.steps.map((s, i) => (
                  <li key={i}>{describeStep(s, people)}</li>
                ))}
              </ol>
            )}
            {p.distinctApprovers && <p className="hint">One person approves at most one step.</p>}
          </li>
        ))}
      </ul>

      <div className="section-head">
        <h2>Content rules</h2>
        {can('manageMembers') && !addingRule && (
          <button type="button" onClick={() => setAddingRule(true)}>
            Add a content rule
          </button>
        )}
      </div>
      {addingRule && <RuleForm channels={channelList} members={people} onDone={() => setAddingRule(false)} />}
      {rules.error && <ProblemMessage error={rules.error} />}
      {removeRule.error && <ProblemMessage error={removeRule.error} />}
      {rules.data?.rules.length === 0 && <p className="muted">No content rules.</p>}
      <ul className="plain-list">
        {rules.data?.rules.map((r) => (
          <li key={r.id} className="card">
            <div className="row-head">
              <strong>{r.name}</strong>
              <span className="muted">
                step {r.position} in the chain · {matchOf(r)}
              </span>
            </div>
            <p>{describeStep(r.step, people)}</p>
            {can('manageMembers') && (
              <div className="actions">
                <button
                  type="button"
                  className="danger"
                  disabled={removeRule.isPending}
                  onClick={() => removeRule.mutate(r.id)}
                >
                  Remove<span className="visually-hidden"> the rule {r.name}</span>
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

import type { Role, Scope } from './domain';

/** Who may do something: the workspace roles allowed, and the token scope it needs. */
export interface Access {
  roles: readonly Role[];
  scope: Scope;
}

/**
 * Who may do what, per workspace role and token scope. The API enforces it on every route
 * (api/plugins/auth.ts); the web app reads the same table to show each role only what it may do.
 */
export const Roles = {
  read: { roles: ['owner', 'admin', 'editor', 'approver', 'analyst'], scope: 'read' },
  writeContent: { roles: ['owner', 'admin', 'editor'], scope: 'publish' },
  /** Approval decisions (posts, campaigns, library items): any role may be named an approver. */
  decide: { roles: ['owner', 'admin', 'editor', 'approver', 'analyst'], scope: 'approve' },
  /** Listening queries, mention corrections and alerts. */
  listen: { roles: ['owner', 'admin', 'editor'], scope: 'listening' },
  /** The inbox's team work: replying, notes, assignment, status, likes, spam. */
  engage: { roles: ['owner', 'admin', 'editor'], scope: 'publish' },
  /** The inbox's settings: SLA targets, assignment rules, the reply approval policy, others' away. */
  manageInbox: { roles: ['owner', 'admin'], scope: 'admin' },
  manageChannels: { roles: ['owner', 'admin'], scope: 'admin' },
  /** The weekly analytics report's settings (on/off, when, in which zone). */
  manageReports: { roles: ['owner', 'admin'], scope: 'admin' },
  manageMembers: { roles: ['owner', 'admin'], scope: 'admin' },
  /** Ingest keys: the integrations that push mentions into listening. */
  manageIntegrations: { roles: ['owner', 'admin'], scope: 'listening' },
  audit: { roles: ['owner', 'admin', 'analyst'], scope: 'read' },
  /** Signing and sending an audit checkpoint now (the worker does it periodically). */
  auditCheckpoint: { roles: ['owner', 'admin'], scope: 'admin' },
} as const satisfies Record<string, Access>;

export type AccessName = keyof typeof Roles;

/** Whether a member with this role may do `access` (token scopes aside). */
export function roleMay(role: Role, access: Access): boolean {
  return access.roles.includes(role);
}

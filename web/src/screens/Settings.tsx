import { Navigate, NavLink, Route, Routes } from 'react-router';
import type { AccessName } from '../../../contracts/access';
import { useSession } from '../app/session';
import { Screen } from '../components/Screen';
import { AuditSection } from './settings/Audit';
import { ChannelsSection } from './settings/Channels';
import { InboxSection } from './settings/Inbox';
import { NotForYourRole } from './settings/common';
import { MembersSection } from './settings/Members';
import { NotificationsSection } from './settings/Notifications';
import { PoliciesSection } from './settings/Policies';
import { ReportsSection } from './settings/Reports';
import { TokensSection } from './settings/Tokens';
import './settings.css';

/** The settings sections; `access` is what a role needs to see one at all (actions inside check more). */
const SECTIONS: { path: string; label: string; access: AccessName; element: React.ReactNode }[] = [
  { path: 'channels', label: 'Channels', access: 'read', element: <ChannelsSection /> },
  { path: 'members', label: 'Members', access: 'read', element: <MembersSection /> },
  { path: 'tokens', label: 'My tokens', access: 'read', element: <TokensSection /> },
  { path: 'policies', label: 'Policies', access: 'read', element: <PoliciesSection /> },
  { path: 'notifications', label: 'Notifications', access: 'read', element: <NotificationsSection /> },
  { path: 'inbox', label: 'Inbox', access: 'read', element: <InboxSection /> },
  { path: 'reports', label: 'Weekly report', access: 'read', element: <ReportsSection /> },
  { path: 'audit', label: 'Audit log', access: 'audit', element: <AuditSection /> },
];

/** Workspace settings: channels, members, tokens, approval policies, notifications, the inbox and the audit log. */
export default function Settings() {
  const { can } = useSession();
  const visible = SECTIONS.filter((s) => can(s.access));
  return (
    <Screen title="Settings">
      <nav aria-label="Settings sections" className="settings-nav">
        <ul>
          {visible.map((s) => (
            <li key={s.path}>
              <NavLink to={`/settings/${s.path}`}>{s.label}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Routes>
        <Route index element={<Navigate to={visible[0]?.path ?? 'tokens'} replace />} />
        {SECTIONS.map((s) => (
          <Route key={s.path} path={s.path} element={can(s.access) ? s.element : <NotForYourRole />} />
        ))}
        <Route path="*" element={<p className="muted">No such settings section.</p>} />
      </Routes>
    </Screen>
  );
}

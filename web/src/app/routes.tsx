import { createBrowserRouter, Navigate, type RouteObject } from 'react-router';
import { NotFound, RouteError } from './ErrorBoundary';
import { SignedIn } from './Layout';

type ScreenModule = { default: React.ComponentType };
/** Each screen is its own chunk, loaded when first opened: the first load stays small. */
const screen = (load: () => Promise<ScreenModule>): Pick<RouteObject, 'lazy'> => ({
  lazy: async () => ({ Component: (await load()).default }),
});

export const router = createBrowserRouter([
  { path: '/sign-in', errorElement: <RouteError />, ...screen(() => import('../screens/SignIn')) },
  { path: '/welcome', errorElement: <RouteError />, ...screen(() => import('../screens/Welcome')) },
  {
    path: '/',
    element: <SignedIn />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Navigate to="/calendar" replace /> },
      { path: 'calendar', ...screen(() => import('../screens/Calendar')) },
      { path: 'compose', ...screen(() => import('../screens/Composer')) },
      { path: 'posts', ...screen(() => import('../screens/Posts')) },
      { path: 'posts/:postId', ...screen(() => import('../screens/PostDetail')) },
      { path: 'approvals', ...screen(() => import('../screens/Approvals')) },
      { path: 'campaigns', ...screen(() => import('../screens/Campaigns')) },
      { path: 'campaigns/:campaignId', ...screen(() => import('../screens/CampaignDetail')) },
      { path: 'library', ...screen(() => import('../screens/Library')) },
      { path: 'inbox', ...screen(() => import('../screens/Inbox')) },
      { path: 'inbox/report', ...screen(() => import('../screens/SlaReport')) },
      { path: 'inbox/:conversationId', ...screen(() => import('../screens/Conversation')) },
      { path: 'listening', ...screen(() => import('../screens/Listening')) },
      { path: 'analytics', ...screen(() => import('../screens/Analytics')) },
      { path: 'analytics/compare', ...screen(() => import('../screens/AnalyticsCompare')) },
      { path: 'settings/*', ...screen(() => import('../screens/Settings')) },
      { path: '*', element: <NotFound /> },
    ],
  },
]);

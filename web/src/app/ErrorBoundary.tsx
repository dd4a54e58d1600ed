import { Component, type ErrorInfo, type ReactNode } from 'react';
import { isRouteErrorResponse, useRouteError } from 'react-router';
import { ProblemMessage } from '../components/ProblemMessage';

/** A screen that throws while rendering shows what failed and a way to retry, never a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: undefined };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error(error, info.componentStack);
  }
  override render() {
    if (this.state.error === undefined) return this.props.children;
    return (
      <main className="screen">
        <h1>This screen failed</h1>
        <ProblemMessage error={this.state.error} onRetry={() => this.setState({ error: undefined })} />
      </main>
    );
  }
}

/** A path inside the app that no screen answers. */
export function NotFound() {
  return (
    <main className="screen">
      <h1>No such page</h1>
      <p>
        <a href="/calendar">Back to the calendar</a>
      </p>
    </main>
  );
}

/** The router's error element: a route that failed to load (a lost connection during an update, say). */
export function RouteError() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <main className="screen">
      <h1>{notFound ? 'No such page' : 'This page failed to load'}</h1>
      {!notFound && <ProblemMessage error={error} onRetry={() => window.location.reload()} />}
      <p>
        <a href="/">Back to the calendar</a>
      </p>
    </main>
  );
}

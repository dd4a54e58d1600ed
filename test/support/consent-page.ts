import { randomUUID } from 'node:crypto';
import type http from 'node:http';

/**
 * The consent step of a network's authorization page, for the fakes (x-fake, linkedin-fake,
 * meta-fake): the page a browser is sent to shows what the app asks for with Allow and Deny; the
 * decision sends the browser back to the app's redirect URI as the network documents it (with
 * `code` and `state`, or the network's error and `state`). Each fake checks the request's own
 * parameters (client, redirect URI, PKCE) before it shows the page.
 */
export interface ConsentRequest {
  /** Where the browser goes back to (already checked by the fake). */
  redirectUri: string;
  /** Echoed back unchanged, as every one of these networks does. */
  state: string | null;
  /** What the page names: the app's scopes and the account(s) it would act as. */
  asks: string;
  /** On Allow: issues the code (the fake keeps what the token endpoint will check); the parameters to send back. */
  allow(): Record<string, string>;
  /** On Deny: the network's documented error parameters (without state). */
  denied: Record<string, string>;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export class ConsentPages {
  private readonly pending = new Map<string, ConsentRequest>();

  /** `decisionPath`: where the page's form posts, on the same host. */
  constructor(
    private readonly network: string,
    readonly decisionPath: string,
  ) {}

  /** Answers the authorization page for a checked request. */
  show(res: http.ServerResponse, request: ConsentRequest): void {
    const id = randomUUID();
    this.pending.set(id, request);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width">
<title>${escapeHtml(this.network)}: authorize Chorus</title></head><body>
<main><h1>Allow Chorus to use your ${escapeHtml(this.network)} account?</h1><p>${escapeHtml(request.asks)}</p>
<form method="post" action="${escapeHtml(this.decisionPath)}"><input type="hidden" name="request" value="${id}">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button></form></main></body></html>`);
  }

  /** Answers the form's post: 302 to the redirect URI. An unknown or used request: 400. */
  async decide(body: URLSearchParams, res: http.ServerResponse): Promise<void> {
    const request = this.pending.get(body.get('request') ?? '');
    if (!request) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('This authorization request is unknown or was already answered');
      return;
    }
    this.pending.delete(body.get('request')!);
    const to = new URL(request.redirectUri);
    const params = body.get('decision') === 'allow' ? request.allow() : request.denied;
    for (const [k, v] of Object.entries(params)) to.searchParams.set(k, v);
    if (request.state !== null) to.searchParams.set('state', request.state);
    res.writeHead(302, { location: to.toString() });
    res.end();
  }
}

/** An error page, for requests a network refuses without redirecting (an unknown client or redirect URI). */
export function refusePage(res: http.ServerResponse, message: string): void {
  res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(message);
}

/**
 * Follows an authorization URL as a user's browser would, over HTTP: the network's page, then Allow
 * or Deny. Returns where the network sends the browser back (the app's redirect URI with the outcome).
 */
export async function consent(authorizationUrl: string, decision: 'allow' | 'deny'): Promise<URL> {
  const page = await fetch(authorizationUrl, { redirect: 'manual' });
  const html = await page.text();
  if (page.status !== 200) throw new Error(`The authorization page answered ${page.status}: ${html}`);
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const request = /name="request" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !request) throw new Error(`No consent form on the authorization page: ${html}`);
  const answer = await fetch(new URL(action.replace(/&amp;/g, '&'), authorizationUrl), {
    method: 'POST',
    body: new URLSearchParams({ request, decision }),
    redirect: 'manual',
  });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location)
    throw new Error(`The consent answered ${answer.status}: ${await answer.text()}`);
  return new URL(location);
}

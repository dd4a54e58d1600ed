import { notFound } from './problems';

/**
 * A record the repository found in the caller's workspace, or a 404 naming what was not found.
 * The repository's lookup takes the workspace, so another workspace's record is not found either.
 */
export async function ownedOr404<T>(lookup: Promise<T | undefined | null>, what: string): Promise<T> {
  const found = await lookup;
  if (found === undefined || found === null) throw notFound(what);
  return found;
}

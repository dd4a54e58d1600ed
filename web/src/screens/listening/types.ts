import type { Ok } from '../../api/client';
import type { paths } from '../../api/schema';

/** The JSON body a route takes, from the generated client. */
export type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

export type Query = Ok<'/v1/listening/queries', 'get'>['queries'][number];
export type Mention = Ok<'/v1/mentions', 'get'>['mentions'][number];
export type Alert = Ok<'/v1/alerts', 'get'>['alerts'][number];
export type Parsed = Ok<'/v1/listening/queries/parse', 'post'>;
export type NewQuery = Body<'/v1/listening/queries', 'post'>;
export type QueryChange = Body<'/v1/listening/queries/{id}', 'patch'>;

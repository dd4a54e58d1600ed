import { CompiledQuery, sql, type Compilable, type RawBuilder } from 'kysely';
import { nameStatement, type Db } from './database';

/** Marks a parameter as a placeholder; no text PostgreSQL stores can hold a NUL, so no real value starts so. */
const MARK = '\u0000chorus-param:';

/** Placeholders for a prepared query's arguments, each typed as the value it stands for. */
export type Placeholders<A> = { readonly [K in keyof A]-?: RawBuilder<NonNullable<A[K]>> };

const placeholders = new Proxy({} as Record<string, RawBuilder<unknown>>, {
  get: (_, name) => sql.val(MARK + String(name)),
});

/**
 * A query whose SQL is built and compiled once for each of its shapes, then run with new values,
 * as a named prepared statement (nameStatement: PostgreSQL parses and plans it once a connection).
 * Kysely builds and compiles a query on every execution, and PostgreSQL parses and plans an
 * unnamed one on every run: for a read of a post by id the two were more than half of what the read
 * cost the machine (issue 13, docs/benchmarks.md "api-load"). `build` receives placeholders
 * for the arguments instead of their values, and the SQL it builds must depend only on `shape`
 * (which filters apply, say), never on a value; a placeholder's value is bound when it runs.
 */
export class PreparedQuery<A extends object, R> {
  private readonly shapes = new Map<string, CompiledQuery<R>>();

  constructor(private readonly build: (db: Db, p: Placeholders<A>, shape: string) => Compilable<R>) {}

  async execute(db: Db, shape: string, args: A): Promise<R[]> {
    let compiled = this.shapes.get(shape);
    if (!compiled) {
      compiled = this.build(db, placeholders as Placeholders<A>, shape).compile();
      nameStatement(compiled.sql);
      this.shapes.set(shape, compiled);
    }
    const parameters = compiled.parameters.map((value) => {
      if (typeof value !== 'string' || !value.startsWith(MARK)) return value;
      const name = value.slice(MARK.length) as keyof A;
      if (args[name] === undefined) throw new Error(`PreparedQuery: no value for ${String(name)} in shape "${shape}"`);
      return args[name];
    });
    return (await db.executeQuery(CompiledQuery.raw(compiled.sql, parameters))).rows as R[];
  }
}

/** A PreparedQuery taking arguments `A`, its rows' type inferred from what `build` selects. */
export const prepare =
  <A extends object>() =>
  <R>(build: (db: Db, p: Placeholders<A>, shape: string) => Compilable<R>) =>
    new PreparedQuery<A, R>(build);

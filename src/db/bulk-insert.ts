import { type Compilable, CompiledQuery, type QueryResult } from 'kysely';
import type { Executor } from './types.ts';

/**
 * Insertion groupée sans recompiler : Kysely compile une fois l'instruction d'une forme donnée
 * (dialecte, table, colonnes, clauses, nombre de lignes), puis chaque appel aplatit seulement les
 * valeurs. Compiler des milliers de valeurs coûtait plus cher que de les écrire (relève d'un lot de
 * courriels).
 */
const compiled = new Map<string, string | null>();
const MAX_SHAPES = 200;

/** Les valeurs ligne par ligne, dans l'ordre des colonnes : l'ordre des paramètres d'un INSERT à plusieurs lignes. */
function flatten(rows: readonly Record<string, unknown>[], columns: readonly string[]): unknown[] {
  const values: unknown[] = [];
  for (const row of rows) for (const column of columns) values.push(row[column] ?? null);
  return values;
}

/**
 * L'instruction compilée pour `count` lignes de ces colonnes, vérifiée : compilée sur des marqueurs, elle
 * doit prendre exactement un paramètre par valeur, ligne par ligne. Sinon (forme que Kysely écrirait
 * autrement) : null, et l'appelant passe par l'exécution ordinaire. La forme est reconnue à
 * l'instruction d'une seule ligne, qui porte le dialecte (paramètres `?` ou `$1`) et les clauses.
 */
function statementFor<R extends Record<string, unknown>>(
  first: R,
  columns: readonly string[],
  count: number,
  build: (rows: R[]) => Compilable,
): string | null {
  const key = `${build([first]).compile().sql}\u0000${count}`;
  const cached = compiled.get(key);
  if (cached !== undefined) return cached;
  const markers = Array.from(
    { length: count },
    (_, r) => Object.fromEntries(columns.map((c, i) => [c, `\u0000${r}:${i}`])) as unknown as R,
  );
  const query = build(markers).compile();
  const expected = flatten(markers, columns);
  const ok = query.parameters.length === expected.length && query.parameters.every((value, index) => value === expected[index]);
  if (compiled.size >= MAX_SHAPES) compiled.clear();
  compiled.set(key, ok ? query.sql : null);
  return ok ? query.sql : null;
}

/**
 * Écrit `rows` (mêmes colonnes, dans le même ordre) par paquets de `chunk` lignes avec l'instruction
 * que `build` construit (`insertInto(…).values(rows)`, avec au besoin `onConflict` et `returning`).
 * Rend les lignes rendues par `returning`.
 */
export async function insertRows<R extends Record<string, unknown>, O = unknown>(
  db: Executor,
  rows: readonly R[],
  build: (rows: R[]) => Compilable<O>,
  chunk = 200,
): Promise<O[]> {
  const first = rows[0];
  if (!first) return [];
  const columns = Object.keys(first);
  // Une valeur `undefined` vaut DEFAULT pour Kysely : ces lignes-là passent par l'exécution ordinaire.
  const uniform = rows.every((row) => {
    const keys = Object.keys(row);
    return keys.length === columns.length && keys.every((k, i) => k === columns[i] && row[k] !== undefined);
  });
  const returned: O[] = [];
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const sql = uniform ? statementFor(first, columns, part.length, build) : null;
    const result: QueryResult<O> = sql
      ? await db.executeQuery(CompiledQuery.raw(sql, flatten(part, columns)) as CompiledQuery<O>)
      : await db.executeQuery(build(part).compile());
    returned.push(...result.rows);
  }
  return returned;
}

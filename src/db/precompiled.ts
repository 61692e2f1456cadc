import { type Compilable, CompiledQuery, type Kysely, type QueryResult } from 'kysely';
import type { Database } from './schema.ts';
import type { Executor } from './types.ts';

/**
 * Requêtes compilées une seule fois : sur un chemin chaud (une soumission d'enquête publique), construire et
 * compiler la requête Kysely coûtait plus que l'exécuter. La requête est construite une fois par base
 * (dialecte : `?` pour SQLite, `$1` pour PostgreSQL) avec des marqueurs à la place des paramètres ; chaque
 * appel ne fait que ranger les valeurs dans l'ordre des marqueurs et exécuter le SQL mémorisé, sur la base
 * ou sur une de ses transactions (l'adaptateur SQLite garde l'instruction préparée pour ce SQL).
 *
 * Chaque paramètre doit passer tel quel dans la requête (une valeur comparée, insérée, une limite) : un
 * marqueur transformé ou écrit en littéral dans le SQL fait échouer la première exécution, jamais une
 * requête fausse en silence.
 */
type Slot = { param: string } | { constant: unknown };

const MARKER = '\u0000precompiled:';

function marker(name: string): string {
  return `${MARKER}${name}`;
}

/** Le SQL et, pour chaque paramètre compilé, le marqueur qu'il porte (ou sa valeur constante). */
function compileWithMarkers(query: Compilable<unknown>, names: readonly string[]): { sql: string; slots: Slot[] } {
  const compiled = query.compile();
  if (compiled.sql.includes(MARKER))
    throw new Error(`Requête précompilée : un paramètre est écrit dans le SQL (${compiled.sql})`);
  const slots: Slot[] = compiled.parameters.map((value) =>
    typeof value === 'string' && value.startsWith(MARKER) ? { param: value.slice(MARKER.length) } : { constant: value },
  );
  const used = new Set(slots.flatMap((slot) => ('param' in slot ? [slot.param] : [])));
  const missing = names.filter((name) => !used.has(name));
  if (missing.length > 0) throw new Error(`Requête précompilée : paramètres absents du SQL (${missing.join(', ')})`);
  return { sql: compiled.sql, slots };
}

export interface Precompiled<P extends Record<string, unknown>, R> {
  /**
   * Exécute sur `executor` (la base ou une de ses transactions) ; `root`, la base d'origine, est la clé du
   * SQL mémorisé (par défaut l'exécuteur lui-même : une transaction passée seule serait compilée à chaque fois).
   */
  execute(executor: Executor, params: P, root?: Kysely<Database>): Promise<QueryResult<R>>;
}

/** Une requête à paramètres nommés (`names`), que `build` construit avec les valeurs reçues. */
export function precompile<P extends Record<string, unknown>, R>(
  names: readonly (keyof P & string)[],
  build: (db: Kysely<Database>, params: P) => Compilable<R>,
): Precompiled<P, R> {
  const byRoot = new WeakMap<object, { sql: string; slots: Slot[] }>();
  return {
    async execute(executor, params, root = executor) {
      let entry = byRoot.get(root);
      if (!entry) {
        const markers = Object.fromEntries(names.map((name) => [name, marker(name)])) as unknown as P;
        entry = compileWithMarkers(build(root, markers), names);
        byRoot.set(root, entry);
      }
      const values = entry.slots.map((slot) => ('param' in slot ? params[slot.param] : slot.constant));
      return executor.executeQuery(CompiledQuery.raw(entry.sql, values) as CompiledQuery<R>);
    },
  };
}

export interface PrecompiledInsert<Row> {
  /** Insère `rows` (toutes les colonnes renseignées, `null` plutôt qu'absent), en quelques INSERT à plusieurs lignes. */
  execute(executor: Executor, rows: readonly Row[], root?: Kysely<Database>): Promise<void>;
}

/** Lignes par INSERT au plus ; les paquets ont des tailles en puissances de 2 : peu d'instructions différentes. */
const MAX_ROWS_PER_INSERT = 64;

/**
 * INSERT à plusieurs lignes des colonnes `columns`, compilé une fois par taille de paquet (1, 2, 4… 64
 * lignes) : 37 lignes s'écrivent en 3 instructions (32 + 4 + 1), toutes déjà compilées et préparées.
 */
export function precompileInsert<Row extends Record<string, unknown>>(
  columns: readonly (keyof Row & string)[],
  build: (db: Kysely<Database>, rows: Row[]) => Compilable<unknown>,
): PrecompiledInsert<Row> {
  const byRoot = new WeakMap<object, Map<number, string>>();

  function sqlFor(root: Kysely<Database>, size: number): string {
    let sizes = byRoot.get(root);
    if (!sizes) {
      sizes = new Map();
      byRoot.set(root, sizes);
    }
    let sql = sizes.get(size);
    if (sql === undefined) {
      const names = Array.from({ length: size }, (_, r) => columns.map((c) => `${r}.${c}`)).flat();
      const rows = Array.from(
        { length: size },
        (_, r) => Object.fromEntries(columns.map((c) => [c, marker(`${r}.${c}`)])) as unknown as Row,
      );
      const compiled = compileWithMarkers(build(root, rows), names);
      // Un paramètre par valeur, ligne par ligne, dans l'ordre des colonnes : sinon la forme n'est pas prise en charge.
      if (
        compiled.slots.length !== names.length ||
        compiled.slots.some((slot, i) => !('param' in slot) || slot.param !== names[i])
      ) {
        throw new Error(`INSERT précompilé : paramètres dans un ordre inattendu (${compiled.sql})`);
      }
      sql = compiled.sql;
      sizes.set(size, sql);
    }
    return sql;
  }

  return {
    async execute(executor, rows, root = executor) {
      let offset = 0;
      while (offset < rows.length) {
        let size = MAX_ROWS_PER_INSERT;
        while (size > rows.length - offset) size /= 2;
        const values: unknown[] = [];
        for (let r = offset; r < offset + size; r++) {
          const row = rows[r] as Row;
          for (const column of columns) values.push(row[column] ?? null);
        }
        await executor.executeQuery(CompiledQuery.raw(sqlFor(root, size), values));
        offset += size;
      }
    },
  };
}

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../src/db/database.ts';
import { login } from '../src/modules/accounts/account.service.ts';
import { CLI_ACTOR } from '../src/modules/audit/audit.service.ts';
import { DEMO_PASSWORD } from '../src/modules/demo/demo.service.ts';
import { addClosureDay } from '../src/modules/organisations/organisation.service.ts';
import { systemClock } from '../src/shared/clock.ts';
import type { AppContext } from '../src/shared/context.ts';
import { createTestDatabase, type TestDatabase, tableCount, testConfig, testEngines } from './helpers/context.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Lance la vraie commande (bin/vigie.js) dans un processus fils. */
function vigie(url: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const result = spawnSync(process.execPath, ['bin/vigie.js', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, NODE_ENV: 'test', ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Une erreur d'exploitant : code 1, message français préfixé, jamais de pile d'appels. */
function assertUserError(run: Run, pattern: RegExp): void {
  assert.equal(run.status, 1, `code de sortie inattendu ; stderr : ${run.stderr}`);
  assert.match(run.stderr, /^Erreur : /);
  assert.match(run.stderr, pattern);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'pas de pile d’appels');
  assert.equal(run.stdout, '');
}

function oneTimePassword(stdout: string): string {
  const match = /^ {2}([A-Za-z0-9]{6}-[A-Za-z0-9]{6}-[A-Za-z0-9]{6})$/m.exec(stdout);
  assert.ok(match?.[1], `mot de passe provisoire absent de : ${stdout}`);
  return match[1];
}

async function withContext<T>(url: string, action: (ctx: AppContext) => Promise<T>): Promise<T> {
  const handle = openDatabase(url);
  try {
    return await action({ db: handle.db, engine: handle.engine, clock: systemClock, config: testConfig(url) });
  } finally {
    await handle.close();
  }
}

describe('vigie : aide et erreurs de saisie', () => {
  let dir: string;
  let url: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-cli-'));
    url = join(dir, 'jamais-creee.sqlite');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('affiche l’aide générale avec --help et help', () => {
    for (const args of [['--help'], ['help'], ['-h']]) {
      const run = vigie(url, args);
      assert.equal(run.status, 0);
      assert.match(run.stdout, /Utilisation : vigie <commande>/);
      assert.match(run.stdout, /vigie user reset-password --email E/);
      assert.equal(run.stderr, '');
    }
  });

  it('affiche l’aide de chaque commande et sous-commande', () => {
    const cases: [string[], RegExp][] = [
      [['migrate', '--help'], /Utilisation : vigie migrate/],
      [['serve', '--help'], /Utilisation : vigie serve/],
      [['org', '--help'], /Utilisation : vigie org <sous-commande>/],
      [['org', 'create', '--help'], /Utilisation : vigie org create --slug/],
      [['org', 'list', '-h'], /Utilisation : vigie org list/],
      [['user', 'create', '--email', 'x@y.fr', '--help'], /Utilisation : vigie user create/],
      [['help', 'user', 'reset-password'], /Utilisation : vigie user reset-password/],
      [['demo', '--help'], /Utilisation : vigie demo/],
      [['backup', '--help'], /Utilisation : vigie backup FICHIER/],
    ];
    for (const [args, pattern] of cases) {
      const run = vigie(url, args);
      assert.equal(run.status, 0, args.join(' '));
      assert.match(run.stdout, pattern);
    }
  });

  it('refuse une commande, une sous-commande ou une option inconnue', () => {
    assertUserError(vigie(url, ['frobnicate']), /Commande inconnue « frobnicate »[\s\S]*Aide : vigie --help/);
    assertUserError(vigie(url, ['org', 'delete']), /Sous-commande inconnue « org delete »[\s\S]*vigie org --help/);
    assertUserError(vigie(url, ['org']), /Indiquez une sous-commande : create, list/);
    assertUserError(vigie(url, []), /Indiquez une commande/);
    assertUserError(
      vigie(url, ['org', 'create', '--slug', 'a', '--nom', 'b']),
      /Option inconnue --nom[\s\S]*Aide : vigie org create --help/,
    );
  });

  it('signale une option obligatoire manquante ou une valeur invalide, avant d’ouvrir la base', () => {
    assertUserError(
      vigie(url, ['org', 'create', '--slug', 'test', '--name', 'Préfecture test']),
      /Option --department obligatoire/,
    );
    assertUserError(vigie(url, ['org', 'create', '--slug']), /L’option --slug attend une valeur/);
    assertUserError(vigie(url, ['user', 'create', '--org', 'test', '--email', 'a@test.fr']), /Option --role obligatoire/);
    assertUserError(
      vigie(url, ['user', 'create', '--org', 'test', '--email', 'a@test.fr', '--role', 'chef']),
      /Rôle « chef » inconnu/,
    );
    assertUserError(vigie(url, ['user', 'create', '--org', 'test', '--email', 'pas-une-adresse', '--role', 'agent']), /Adresse/);
    assertUserError(vigie(url, ['user', 'create', '--email', 'a@test.fr', '--role', 'agent']), /Option --org obligatoire/);
    assertUserError(
      vigie(url, ['user', 'create', '--org', 'test', '--email', 'n@test.fr', '--role', 'national']),
      /rôle national ne se rattache à aucune organisation/,
    );
    assertUserError(vigie(url, ['backup']), /Indiquez le fichier de sauvegarde/);
    assert.equal(existsSync(url), false, 'aucune base créée pour une erreur de saisie');
  });

  it('serve refuse de démarrer en production sans ses secrets', () => {
    const refused = vigie(url, ['serve'], { env: { NODE_ENV: 'production' } });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /Démarrage refusé en production[\s\S]*VIGIE_SECRET_KEY/);
    assert.equal(existsSync(url), false);
  });
});

for (const engine of testEngines()) {
  describe(`vigie en ligne de commande (${engine})`, () => {
    let database: TestDatabase;
    let url: string;
    before(async () => {
      database = await createTestDatabase(engine);
      url = database.url;
    });
    after(async () => {
      await database.dispose();
    });

    it('migrate prépare une base neuve, puis ne fait plus rien', () => {
      const first = vigie(url, ['migrate']);
      assert.equal(first.status, 0, first.stderr);
      assert.equal(first.stdout, 'Base à jour (13 migrations appliquées).\n');
      const second = vigie(url, ['migrate']);
      assert.equal(second.stdout, 'Base à jour (0 migration appliquée).\n');
    });

    it('crée une organisation puis la liste', () => {
      const run = vigie(url, ['org', 'create', '--slug', 'test', '--name', 'Préfecture test', '--department', '67']);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, 'Organisation « Préfecture test » créée (identifiant test, département 67 — Bas-Rhin).\n');
      const list = vigie(url, ['org', 'list']);
      assert.equal(list.status, 0);
      assert.match(list.stdout, /^test\s+67\s+Préfecture test$/m);
    });

    it('refuse un identifiant déjà pris et un département inconnu', () => {
      assertUserError(
        vigie(url, ['org', 'create', '--slug', 'test', '--name', 'Autre', '--department', '63']),
        /identifiant court est déjà utilisé[\s\S]*« test »/,
      );
      assertUserError(
        vigie(url, ['org', 'create', '--slug', 'nulle-part', '--name', 'Nulle part', '--department', '99']),
        /Département inconnu[\s\S]*Département « 99 » inconnu/,
      );
      assert.doesNotMatch(vigie(url, ['org', 'list']).stdout, /nulle-part/);
    });

    it('crée un référent avec un mot de passe provisoire qui permet de se connecter', async () => {
      const run = vigie(url, ['user', 'create', '--org', 'test', '--email', 'a@test.fr', '--role', 'admin']);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /Compte a@test\.fr créé : Référent qualité/);
      const password = oneTimePassword(run.stdout);
      const session = await withContext(url, (ctx) => login(ctx, { email: 'a@test.fr', password }));
      assert.equal(session.mustChangePassword, true);
    });

    it('refuse une organisation inconnue', () => {
      assertUserError(
        vigie(url, ['user', 'create', '--org', 'inconnue', '--email', 'b@test.fr', '--role', 'agent']),
        /Organisation « inconnue » introuvable/,
      );
    });

    it('lit un mot de passe robuste sur l’entrée standard et refuse un mot de passe faible', async () => {
      const strong = 'Quatre-chevaux-verts-42';
      const run = vigie(
        url,
        ['user', 'create', '--org', 'test', '--email', 'agent@test.fr', '--role', 'agent', '--password-stdin'],
        {
          input: `${strong}\n`,
        },
      );
      assert.equal(run.status, 0, run.stderr);
      assert.doesNotMatch(run.stdout, /provisoire/);
      const session = await withContext(url, (ctx) => login(ctx, { email: 'agent@test.fr', password: strong }));
      assert.equal(session.mustChangePassword, false);

      const weak = vigie(
        url,
        ['user', 'create', '--org', 'test', '--email', 'faible@test.fr', '--role', 'agent', '--password-stdin'],
        {
          input: 'court1\n',
        },
      );
      assertUserError(weak, /Mot de passe trop faible[\s\S]*Au moins 12 caractères/);
      const user = await withContext(url, (ctx) =>
        ctx.db.selectFrom('users').select('id').where('email', '=', 'faible@test.fr').executeTakeFirst(),
      );
      assert.equal(user, undefined);
    });

    it('crée un compte national sans organisation', async () => {
      const run = vigie(url, [
        'user',
        'create',
        '--email',
        'national@test.fr',
        '--role',
        'national',
        '--name',
        'Pilotage national',
      ]);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /Compte national@test\.fr créé : Niveau national/);
      oneTimePassword(run.stdout);
      const membership = await withContext(url, (ctx) =>
        ctx.db
          .selectFrom('memberships')
          .innerJoin('users', 'users.id', 'memberships.user_id')
          .select(['memberships.organisation_id', 'memberships.role', 'users.display_name'])
          .where('users.email', '=', 'national@test.fr')
          .executeTakeFirstOrThrow(),
      );
      assert.deepEqual(membership, { organisation_id: null, role: 'national', display_name: 'Pilotage national' });
    });

    it('réinitialise le mot de passe d’un compte verrouillé', async () => {
      await withContext(url, async (ctx) => {
        await ctx.db
          .updateTable('users')
          .set({ failed_logins: 3, locked_until: '2999-01-01T00:00:00.000Z' })
          .where('email', '=', 'national@test.fr')
          .execute();
      });
      const run = vigie(url, ['user', 'reset-password', '--email', 'National@Test.fr']);
      assert.equal(run.status, 0, run.stderr);
      const password = oneTimePassword(run.stdout);
      await withContext(url, async (ctx) => {
        const session = await login(ctx, { email: 'national@test.fr', password });
        assert.equal(session.mustChangePassword, true);
        const audit = await ctx.db
          .selectFrom('audit_events')
          .select(['organisation_id', 'actor_label'])
          .where('action', '=', 'user.password_reset')
          .execute();
        assert.deepEqual(audit, [{ organisation_id: null, actor_label: 'Ligne de commande' }]);
      });
      assertUserError(vigie(url, ['user', 'reset-password', '--email', 'personne@test.fr']), /Compte introuvable/);
    });

    it('crée la démonstration une fois, puis la laisse telle quelle', async () => {
      const first = vigie(url, ['demo']);
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, /Préfecture de démonstration créée/);
      assert.ok(first.stdout.includes(DEMO_PASSWORD));
      const users = await withContext(url, (ctx) => tableCount(ctx, 'users'));
      const second = vigie(url, ['demo']);
      assert.equal(second.status, 0, second.stderr);
      assert.match(second.stdout, /déjà présente/);
      assert.equal(await withContext(url, (ctx) => tableCount(ctx, 'users')), users);
      assertUserError(
        vigie(url, ['demo'], {
          env: { NODE_ENV: 'production', VIGIE_SECRET_KEY: 'k'.repeat(40), PUBLIC_URL: 'https://vigie.test' },
        }),
        /refusées en production/,
      );
    });

    if (engine === 'sqlite') {
      it('sauvegarde la base SQLite dans un fichier vérifié, sans écraser', () => {
        const dir = mkdtempSync(join(tmpdir(), 'vigie-backup-'));
        try {
          const file = join(dir, 'copie.sqlite');
          const run = vigie(url, ['backup', file]);
          assert.equal(run.status, 0, run.stderr);
          assert.match(run.stdout, /Sauvegarde écrite : .*copie\.sqlite \(\d+(,\d)? [KM]o\), intégrité vérifiée/);
          assert.ok(statSync(file).size > 0);
          const copy = new DatabaseSync(file, { readOnly: true });
          try {
            assert.equal(copy.prepare('PRAGMA integrity_check').get()?.integrity_check, 'ok');
            assert.equal(copy.prepare("select name from organisations where slug = 'test'").get()?.name, 'Préfecture test');
          } finally {
            copy.close();
          }
          const size = statSync(file).size;
          assertUserError(vigie(url, ['backup', file]), /existe déjà/);
          assert.equal(statSync(file).size, size);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    } else {
      it('renvoie vers pg_dump pour PostgreSQL (code 2)', () => {
        const run = vigie(url, ['backup', '/tmp/vigie-ne-doit-pas-exister.dump']);
        assert.equal(run.status, 2);
        assert.match(run.stderr, /pg_dump --format=custom --file \/tmp\/vigie-ne-doit-pas-exister\.dump "\$DATABASE_URL"/);
        assert.match(run.stderr, /pg_restore/);
        assert.equal(existsSync('/tmp/vigie-ne-doit-pas-exister.dump'), false);
      });
    }
  });
}

describe('vigie calendar', () => {
  let dir: string;
  /** Base jamais créée : avec --department, le calendrier n'ouvre aucune base. */
  let noDatabase: string;
  let database: TestDatabase;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-cli-calendar-'));
    noDatabase = join(dir, 'jamais-creee.sqlite');
    database = await createTestDatabase('sqlite');
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await database.dispose();
  });

  function ok(args: string[], url = noDatabase): string {
    const run = vigie(url, ['calendar', ...args]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    return run.stdout;
  }

  it('calcule une échéance, un délai et la liste des jours fériés (exemples de l’aide)', () => {
    assert.equal(ok(['due', '--department', '67', '--received', '2026-04-02', '--working-days', '5']), '2026-04-13\n');
    assert.equal(ok(['delay', '--department', '67', '--received', '2026-04-02', '--answered', '2026-04-07']), '1\n');
    const lines = ok(['holidays', '--department', '971', '--year', '2026']).trimEnd().split('\n');
    assert.equal(lines.length, 12);
    assert.ok(
      lines.every((line) => /^2026-\d{2}-\d{2}\t\S.*$/.test(line)),
      lines.join('\n'),
    );
    assert.equal(lines[0], "2026-01-01\tJour de l'an");
    assert.ok(lines.includes("2026-05-27\tAbolition de l'esclavage"));
    assert.ok(!lines.some((line) => line.includes('Vendredi saint')), 'jour contesté exclu par défaut');
  });

  it('écrit les jours fériés en JSON avec --json', () => {
    const holidays = JSON.parse(ok(['holidays', '--department', '971', '--year', '2026', '--json'])) as {
      date: string;
      name: string;
    }[];
    assert.equal(holidays.length, 12);
    assert.deepEqual(holidays[0], { date: '2026-01-01', name: "Jour de l'an" });
    assert.deepEqual(holidays.at(-1), { date: '2026-12-25', name: 'Noël' });
    assert.ok(holidays.every((h) => Object.keys(h).join() === 'date,name'));
  });

  it('N = 0 donne la date de réception ; un horodatage devient la date locale du département', () => {
    assert.equal(ok(['due', '--department', '67', '--received', '2026-04-02', '--working-days', '0']), '2026-04-02\n');
    // 02:30 UTC le 2 mars = 22:30 le 1er mars à la Guadeloupe (UTC−4).
    assert.equal(ok(['due', '--department', '971', '--received', '2026-03-02T02:30:00Z', '--working-days', '5']), '2026-03-06\n');
    assert.equal(ok(['due', '--department', '67', '--received', '2026-03-02T02:30:00Z', '--working-days', '5']), '2026-03-09\n');
    assert.equal(
      ok(['delay', '--department', '971', '--received', '2026-03-02T02:30:00Z', '--answered', '2026-03-02T09:00:00-04:00']),
      '1\n',
    );
  });

  it('affiche l’aide du groupe et de chaque sous-commande', () => {
    assert.match(
      ok(['--help']),
      /Utilisation : vigie calendar <sous-commande>[\s\S]*calendar due[\s\S]*calendar delay[\s\S]*calendar holidays/,
    );
    assert.match(ok(['due', '--help']), /Utilisation : vigie calendar due/);
    assert.match(ok(['delay', '-h']), /Utilisation : vigie calendar delay/);
    assert.match(ok(['holidays', '--help']), /Utilisation : vigie calendar holidays[\s\S]*--json/);
    assert.match(vigie(noDatabase, ['--help']).stdout, /vigie calendar due/);
  });

  it('refuse chaque saisie invalide en nommant le champ, sans ouvrir de base', () => {
    const due = (...args: string[]) => vigie(noDatabase, ['calendar', 'due', ...args]);
    assertUserError(
      due('--department', '99', '--received', '2026-04-02', '--working-days', '5'),
      /Département inconnu[\s\S]*Département « 99 » inconnu \(option --department\)/,
    );
    assertUserError(
      due('--department', '67', '--received', '2026-02-30', '--working-days', '5'),
      /Date de réception : « 2026-02-30 » n’existe pas au calendrier \(option --received\)/,
    );
    assertUserError(
      due('--department', '67', '--received', 'demain', '--working-days', '5'),
      /Date de réception : « demain » n’est ni une date AAAA-MM-JJ ni un horodatage/,
    );
    assertUserError(
      due('--department', '67', '--received', '2026-04-02', '--working-days=-1'),
      /Jours ouvrés : pas de nombre négatif[\s\S]*--working-days/,
    );
    assertUserError(due('--department', '67', '--received', '2026-04-02', '--working-days', '366'), /Jours ouvrés : 365 au plus/);
    assertUserError(
      due('--department', '67', '--received', '2026-04-02', '--working-days', '1000000'),
      /Jours ouvrés : 365 au plus/,
    );
    for (const value of ['cinq', '', '2.5', '1e2']) {
      assertUserError(
        due('--department', '67', '--received', '2026-04-02', '--working-days', value),
        /L’option --working-days attend un nombre entier de jours ouvrés/,
      );
    }
    assertUserError(due('--department', '67', '--working-days', '5'), /Option --received obligatoire/);
    assertUserError(due('--received', '2026-04-02', '--working-days', '5'), /Option --department \(ou --org\) obligatoire/);
    assertUserError(
      due('--department', '67', '--org', 'test', '--received', '2026-04-02', '--working-days', '5'),
      /Indiquez --department ou --org, pas les deux/,
    );
    assertUserError(
      vigie(noDatabase, ['calendar', 'delay', '--department', '67', '--received', '2026-04-07', '--answered', '2026-04-02']),
      /La date de réponse \(2026-04-02\) précède la date de réception \(2026-04-07\) \(option --answered\)/,
    );
    assertUserError(
      vigie(noDatabase, ['calendar', 'delay', '--department', '67', '--received', '2026-04-07', '--answered', '2026-13-01']),
      /Date de réponse : « 2026-13-01 » n’existe pas au calendrier/,
    );
    for (const year of ['1999', '2101']) {
      assertUserError(
        vigie(noDatabase, ['calendar', 'holidays', '--department', '67', '--year', year]),
        /Année : de 2000 à 2100 \(option --year\)/,
      );
    }
    assertUserError(
      vigie(noDatabase, ['calendar', 'holidays', '--department', '67', '--year', 'deux-mille']),
      /L’option --year attend une année/,
    );
    assertUserError(vigie(noDatabase, ['calendar', 'holidays', '--department', '67']), /Option --year obligatoire/);
    assertUserError(vigie(noDatabase, ['calendar', 'easter']), /Sous-commande inconnue « calendar easter »/);
    assert.equal(existsSync(noDatabase), false, 'aucune base créée par le calendrier d’un département');
  });

  it('avec --org, compte les jours de fermeture de l’organisation', async () => {
    const url = database.url;
    const created = vigie(url, ['org', 'create', '--slug', 'bas-rhin', '--name', 'Préfecture du Bas-Rhin', '--department', '67']);
    assert.equal(created.status, 0, created.stderr);
    await withContext(url, async (ctx) => {
      const organisation = await ctx.db
        .selectFrom('organisations')
        .select('id')
        .where('slug', '=', 'bas-rhin')
        .executeTakeFirstOrThrow();
      await addClosureDay(ctx, organisation.id, { date: '2026-04-08', reason: 'Pont préfectoral' }, CLI_ACTOR);
    });
    assert.equal(ok(['due', '--org', 'bas-rhin', '--received', '2026-04-02', '--working-days', '5'], url), '2026-04-14\n');
    assert.equal(ok(['due', '--org', 'Bas-Rhin', '--received', '2026-04-02', '--working-days', '0'], url), '2026-04-02\n');
    assert.equal(ok(['delay', '--org', 'bas-rhin', '--received', '2026-04-02', '--answered', '2026-04-08'], url), '1\n');
    // Le département seul ignore la fermeture.
    assert.equal(ok(['due', '--department', '67', '--received', '2026-04-02', '--working-days', '5'], url), '2026-04-13\n');
    const holidays = ok(['holidays', '--org', 'bas-rhin', '--year', '2026'], url);
    assert.match(holidays, /^2026-04-03\tVendredi saint$/m);
    assert.match(holidays, /^2026-12-26\tSaint.Étienne/m);
    assertUserError(
      vigie(url, ['calendar', 'due', '--org', 'inconnue', '--received', '2026-04-02', '--working-days', '5']),
      /Organisation « inconnue » introuvable \(option --org\)[\s\S]*vigie org list/,
    );
  });
});

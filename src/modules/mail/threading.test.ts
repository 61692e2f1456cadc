import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  outgoingIdsOf,
  outgoingMessageId,
  parseMessageIds,
  pickThread,
  referencesInSubject,
  replyReferences,
  threadHints,
} from './threading.ts';

describe('Rattachement d’un courriel à un dossier', () => {
  it('lit les Message-ID des en-têtes de fil, sans doublon', () => {
    assert.deepEqual(parseMessageIds('<a@x> <b@y>\r\n <a@x>'), ['<a@x>', '<b@y>']);
    assert.deepEqual(parseMessageIds(['<a@x>', '<c@z>']), ['<a@x>', '<c@z>']);
    assert.deepEqual(parseMessageIds('pas un identifiant'), []);
    assert.deepEqual(parseMessageIds(undefined), []);
  });

  it('trouve les références de dossier dans l’objet, pas les numéros qui leur ressemblent', () => {
    assert.deepEqual(referencesInSubject('Re: Votre dossier 2026-00042 (rappel 2026-00042, 2025-01234)'), [
      '2026-00042',
      '2025-01234',
    ]);
    assert.deepEqual(referencesInSubject('Tél. 04-73-98-63-63, 12026-00042, 2026-000421, 1999-00001'), []);
    assert.deepEqual(referencesInSubject(null), []);
  });

  it('essaie In-Reply-To d’abord, puis References du plus récent au plus ancien, puis l’objet', () => {
    const hints = threadHints({ inReplyTo: '<r@x>', references: '<old@x> <new@x>', subject: 'Dossier 2026-00007' });
    assert.deepEqual(hints, { messageIds: ['<r@x>', '<new@x>', '<old@x>'], subjectReferences: ['2026-00007'] });
    const byReference = new Map([['2026-00007', 'case-subject']]);
    assert.deepEqual(pickThread(hints, new Map([['<old@x>', 'case-old']]), byReference), {
      caseId: 'case-old',
      via: 'headers',
      key: '<old@x>',
    });
    assert.deepEqual(
      pickThread(
        hints,
        new Map([
          ['<old@x>', 'case-old'],
          ['<new@x>', 'case-new'],
        ]),
        byReference,
      ),
      { caseId: 'case-new', via: 'headers', key: '<new@x>' },
    );
    assert.deepEqual(pickThread(hints, new Map(), byReference), { caseId: 'case-subject', via: 'subject', key: '2026-00007' });
    assert.equal(pickThread(hints, new Map(), new Map()), null);
  });

  it('construit l’en-tête References d’une réponse', () => {
    assert.equal(replyReferences(['<a@x>', '<b@x>'], '<c@x>'), '<a@x> <b@x> <c@x>');
    assert.equal(replyReferences([], '<c@x>'), '<c@x>');
    assert.equal(replyReferences([], null), null);
    const long = Array.from({ length: 30 }, (_, i) => `<m${i}@x>`);
    const kept = replyReferences(long, '<last@x>')?.split(' ') ?? [];
    assert.equal(kept.length, 20);
    assert.equal(kept[0], '<m0@x>');
    assert.equal(kept.at(-1), '<last@x>');
  });

  it('le Message-ID d’un courriel de Vigie porte son identifiant, relu pour le chercher par clé primaire', () => {
    const id = '019ad2c4-5e1f-7000-8a3b-0c1d2e3f4a5b';
    const messageId = outgoingMessageId(id, 'puy-de-dome.gouv.fr');
    assert.equal(messageId, `<${id}@puy-de-dome.gouv.fr>`);
    assert.deepEqual(outgoingIdsOf([messageId, `<${id}@autre.example>`, '<sans-arobase>', 'nu@x', '<@x>']), [id]);
    assert.deepEqual(outgoingIdsOf([]), []);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readInboundMessage } from './inbound-message.ts';
import { MAX_BODY, triageMessage } from './intake-triage.ts';

const source = { uid: 7, size: 100, receivedAt: '2026-04-02T07:15:00.000Z' };
const mailbox = { address: 'pref@example.test', serviceId: 'service-accueil' };
const message = (...lines: string[]) => readInboundMessage(Buffer.from(lines.join('\r\n')));

describe('Tri d’un message relevé, hors de la base', () => {
  it('une demande : la saisie du dossier validée, sans indice de fil', async () => {
    const triaged = triageMessage(
      await message('From: Jeanne Martin <Jeanne@Example.test>', 'Subject: Horaires', 'Message-ID: <d@x>', '', 'Bonjour'),
      source,
      mailbox,
    );
    assert.equal(triaged.verdict.outcome, 'accept');
    assert.deepEqual(triaged.hints, { messageIds: [], subjectReferences: [] });
    assert.equal(triaged.replyText, '');
    assert.ok(triaged.intake?.ok);
    assert.equal(triaged.intake.data.requesterEmail, 'jeanne@example.test');
    assert.equal(triaged.intake.data.serviceId, 'service-accueil');
    assert.equal(triaged.intake.data.receivedAt, source.receivedAt);
    assert.equal(triaged.intake.data.body, 'Bonjour');
  });

  it('une réponse : les indices de fil et le texte borné, pour la rattacher', async () => {
    const long = 'x'.repeat(MAX_BODY + 10);
    const triaged = triageMessage(
      await message('From: a@example.test', 'Subject: Re: dossier 2026-00042', 'In-Reply-To: <accuse@pref>', '', long),
      source,
      mailbox,
    );
    assert.deepEqual(triaged.hints, { messageIds: ['<accuse@pref>'], subjectReferences: ['2026-00042'] });
    assert.equal([...triaged.replyText].length, MAX_BODY);
    assert.ok(triaged.intake?.ok);
    assert.match(triaged.intake.notes.join(' '), /Texte tronqué/);
  });

  it('une réponse automatique n’a pas de saisie ; une adresse illisible, pas d’accusé possible', async () => {
    const automatic = triageMessage(
      await message('From: a@example.test', 'Subject: Absence', 'Auto-Submitted: auto-replied', '', 'absent'),
      source,
      mailbox,
    );
    assert.equal(automatic.verdict.outcome, 'ignored');
    assert.equal(automatic.intake, null);
    const unreadable = triageMessage(await message('From: <pas-une-adresse@>', 'Subject: x', '', 'y'), source, mailbox);
    assert.equal(unreadable.from?.address, 'pas-une-adresse@');
    assert.ok(unreadable.intake?.ok);
    assert.equal(unreadable.intake.data.requesterEmail, undefined);
    assert.equal(unreadable.intake.requester.email, null);
    assert.match(unreadable.intake.notes.join(' '), /aucun accusé de réception possible/);
  });
});

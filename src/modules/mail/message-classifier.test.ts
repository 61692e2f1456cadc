import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bounceDetails, classifyMessage, type MessageFacts } from './message-classifier.ts';

function facts(overrides: Partial<MessageFacts> = {}): MessageFacts {
  return {
    headers: [
      ['return-path', '<jeanne.martin@example.test>'],
      ['from', 'Jeanne Martin <jeanne.martin@example.test>'],
      ['subject', 'Demande de renseignement'],
    ],
    fromAddress: 'jeanne.martin@example.test',
    subject: 'Demande de renseignement',
    contentType: 'text/plain',
    reportType: null,
    reportText: '',
    mimeProblem: null,
    mailboxAddress: 'pref-public@example.test',
    ...overrides,
  };
}

function withHeader(name: string, value: string): Partial<MessageFacts> {
  return { headers: [...facts().headers, [name, value]] };
}

describe('Tri des messages relevés', () => {
  it('accepte une demande ordinaire', () => {
    assert.deepEqual(classifyMessage(facts()), { outcome: 'accept', reason: null });
  });

  it('ignore les réponses automatiques reconnues par leurs en-têtes, avec la raison', () => {
    for (const [name, value, expected] of [
      ['auto-submitted', 'auto-replied', /Auto-Submitted: auto-replied/],
      ['auto-submitted', 'auto-generated', /Auto-Submitted/],
      ['x-autoreply', 'yes', /X-Autoreply: yes/],
      ['x-autorespond', 'Vacances', /X-Autorespond/],
      ['precedence', 'bulk', /Precedence: bulk/],
      ['precedence', 'junk', /Precedence: junk/],
      ['precedence', 'auto_reply', /Precedence: auto_reply/],
    ] as const) {
      const verdict = classifyMessage(facts(withHeader(name, value)));
      assert.equal(verdict.outcome, 'ignored', `${name}: ${value}`);
      assert.match(verdict.reason ?? '', expected);
    }
    assert.equal(classifyMessage(facts(withHeader('auto-submitted', 'no'))).outcome, 'accept');
  });

  it('ignore les réponses automatiques reconnues par leur objet, pas une plainte qui parle d’absence', () => {
    for (const subject of [
      'Réponse automatique : Votre demande',
      'Reponse automatique: dossier',
      'Automatic reply: Carte grise',
      'Out of Office: Carte grise',
      'Absence',
      'Absence : retour le 12 avril',
      'Absence du bureau',
      'Absent du bureau jusqu’au 12',
      'Message d’absence',
      'Auto-Reply: question',
    ]) {
      const verdict = classifyMessage(facts({ subject }));
      assert.equal(verdict.outcome, 'ignored', subject);
      assert.match(verdict.reason ?? '', /Réponse automatique \(objet/);
    }
    for (const subject of [
      'Absence de réponse à ma demande',
      'Absences répétées du guichet',
      'Réponse à votre courrier automatique ?',
    ]) {
      assert.equal(classifyMessage(facts({ subject })).outcome, 'accept', subject);
    }
  });

  it('ignore les listes de diffusion', () => {
    assert.match(classifyMessage(facts(withHeader('list-id', 'Actualités <actu.example.test>'))).reason ?? '', /List-Id/);
    assert.match(
      classifyMessage(facts(withHeader('list-unsubscribe', '<mailto:x@example.test>'))).reason ?? '',
      /List-Unsubscribe/,
    );
    assert.match(classifyMessage(facts(withHeader('precedence', 'list'))).reason ?? '', /Precedence: list/);
  });

  it('signale les rebonds et retrouve le courriel d’origine et le diagnostic', () => {
    const reportText = [
      'Reporting-MTA: dns; relais.example.test',
      '',
      'Final-Recipient: rfc822; paul.roux@example.test',
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 <paul.roux@example.test>:',
      ' Recipient address rejected',
      '',
      'From: pref-public@example.test',
      'Message-ID: <accuse-1@example.test>',
      'In-Reply-To: <demande@usager.example.test>',
    ].join('\n');
    const verdict = classifyMessage(facts({ contentType: 'multipart/report', reportType: 'delivery-status', reportText }));
    assert.equal(verdict.outcome, 'flagged');
    assert.ok(verdict.outcome === 'flagged');
    assert.deepEqual(verdict.bouncedMessageIds, ['<accuse-1@example.test>']);
    assert.match(verdict.reason, /^Rebond : avis de non-remise/);
    assert.match(
      verdict.diagnostic ?? '',
      /paul\.roux@example\.test — statut 5\.1\.1 — 550 5\.1\.1 .* Recipient address rejected/,
    );

    const daemon = classifyMessage(
      facts({ fromAddress: 'mailer-daemon@relais.example.test', ...withHeader('auto-submitted', 'auto-replied') }),
    );
    assert.equal(daemon.outcome, 'flagged', 'un rebond reste signalé malgré Auto-Submitted');
    assert.match(daemon.reason ?? '', /MAILER-DAEMON/);

    const nullSender = classifyMessage(facts({ headers: [['return-path', '<>']] }));
    assert.equal(nullSender.outcome, 'flagged');
    assert.match(nullSender.reason ?? '', /Return-Path: <>/);
    // Une réponse automatique au Return-Path vide reste une réponse automatique.
    assert.equal(
      classifyMessage(
        facts({
          headers: [
            ['return-path', '<>'],
            ['auto-submitted', 'auto-replied'],
          ],
        }),
      ).outcome,
      'ignored',
    );
  });

  it('ignore un accusé de lecture et un message de la boîte elle-même', () => {
    assert.equal(
      classifyMessage(facts({ contentType: 'multipart/report', reportType: 'disposition-notification' })).outcome,
      'ignored',
    );
    const loop = classifyMessage(facts({ fromAddress: 'pref-public@example.test' }));
    assert.equal(loop.outcome, 'ignored');
    assert.match(loop.reason ?? '', /boucle/);
  });

  it('rejette un message illisible avec la raison de la lecture', () => {
    const verdict = classifyMessage(
      facts({ mimeProblem: 'Structure MIME illisible : message multipart/mixed sans délimiteur (boundary).' }),
    );
    assert.deepEqual(verdict, {
      outcome: 'rejected',
      category: 'unreadable',
      reason: 'Structure MIME illisible : message multipart/mixed sans délimiteur (boundary).',
    });
  });

  it('lit un rapport sans diagnostic ni Message-ID', () => {
    assert.deepEqual(bounceDetails('Votre message n’a pas pu être remis.'), { messageIds: [], diagnostic: null });
  });
});

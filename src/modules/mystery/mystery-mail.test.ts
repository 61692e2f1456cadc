import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { instantToLocalDateTime } from '../calendar/local-date.ts';
import { calendarFor } from '../calendar/working-calendar.ts';
import { signatureBlock, signatureParts } from '../mail/signature.ts';
import {
  announcesAttachment,
  arrivalInstant,
  type ContactMessage,
  checkLinks,
  checkSignature,
  classifyIncoming,
  matchContact,
  measureContact,
  normaliseSubject,
  reminderDue,
  reminderText,
  sendInstant,
  signatureZone,
} from './mystery-mail.ts';

const PARIS = 'Europe/Paris';
const calendar = calendarFor('metropole');
const RULES = {
  organisationName: 'Préfecture du Puy-de-Dôme',
  serviceLabels: ['Accueil général', 'Bureau relation aux usagers', 'Pôle logistique, courrier, accueil'],
};
// Le bloc de la boîte fonctionnelle pref-public@ du Puy-de-Dôme (CLU 2022), tel que Vigie l'écrit.
const STORED = {
  service_label: 'Bureau relation aux usagers\nPôle logistique, courrier, accueil',
  postal_address: '18, boulevard Desaix\n63033 Clermont-Ferrand Cedex 1',
  phone: '04 73 98 63 63',
  website: 'www.puy-de-dome.gouv.fr',
};
const parts = (stored = STORED) =>
  signatureParts({
    serviceName: 'Accueil général',
    organisationName: 'Préfecture du Puy-de-Dôme',
    stored,
    email: 'pref-public@puy-de-dome.gouv.fr',
    agentName: 'Dominique Durand',
    agentTitle: 'Agent d’accueil',
  });
const answerWith = (signature: string) =>
  `Madame,\n\nVotre titre de séjour est disponible au guichet, du lundi au vendredi de 9 h à 16 h.\n\nCordialement,\n\n${signature}`;

describe('courriels mystère : signature complète', () => {
  it('forme « boîte fonctionnelle » des seeds : complète', () => {
    const result = checkSignature(answerWith(signatureBlock('functional', parts())), RULES);
    assert.deepEqual(result, { complete: true, missing: [] });
  });

  it('forme individuelle (nom et fonction de l’agent, puis le bloc) : complète', () => {
    const text = answerWith(signatureBlock('individual', parts()));
    assert.match(signatureZone(text), /^Dominique Durand\nAgent d’accueil/);
    assert.deepEqual(checkSignature(text, RULES), { complete: true, missing: [] });
    // Le nom et la fonction suffisent à identifier l'agent, même sans libellé de service connu.
    const individual =
      'Dominique Durand\nGestionnaire des titres\n18, boulevard Desaix\n63033 Clermont-Ferrand Cedex 1\nTél. : 04 73 98 63 63\nhttps://www.puy-de-dome.gouv.fr';
    assert.deepEqual(checkSignature(answerWith(individual), { organisationName: 'Préfecture', serviceLabels: [] }).missing, []);
  });

  it('sans téléphone : incomplète, et l’élément manquant est nommé', () => {
    const text = answerWith(signatureBlock('functional', parts({ ...STORED, phone: '' })));
    assert.deepEqual(checkSignature(text, RULES), { complete: false, missing: ['phone'] });
  });

  it('le repli de Vigie sans rien de saisi (service et préfecture) : adresse, téléphone et site manquent', () => {
    const fallback = signatureBlock(
      'functional',
      signatureParts({ serviceName: 'Accueil général', organisationName: 'Préfecture du Puy-de-Dôme' }),
    );
    assert.deepEqual(checkSignature(answerWith(fallback), RULES).missing, ['postal_address', 'phone', 'website']);
  });

  it('pas de signature du tout : rien ne l’identifie', () => {
    const text = 'Bonjour,\n\nVous pouvez prendre rendez-vous en ligne.\n\nCordialement.';
    assert.deepEqual(checkSignature(text, RULES).missing, ['identity', 'postal_address', 'phone', 'website']);
  });

  it('le séparateur « -- » délimite la signature ; la citation de notre message est ignorée', () => {
    const text = `Bonjour,\n\nC’est noté.\n\n-- \n${signatureBlock('functional', parts())}\n\nLe 3 mars 2026 à 10:12, Camille Martin a écrit :\n> Bonjour,\n> 06 12 34 56 78`;
    assert.deepEqual(checkSignature(text, RULES), { complete: true, missing: [] });
    // L'adresse électronique de la boîte n'est pas un site.
    const noSite = signatureBlock('functional', parts({ ...STORED, website: '' }));
    assert.deepEqual(checkSignature(answerWith(noSite), RULES).missing, ['website']);
  });
});

describe('courriels mystère : pièces jointes et liens', () => {
  it('une pièce annoncée (« ci-joint », « en pièce jointe ») se repère ; la citation ne compte pas', () => {
    assert.equal(announcesAttachment('Vous trouverez ci-joint le formulaire cerfa.'), true);
    assert.equal(announcesAttachment('Le formulaire est en pièce jointe.'), true);
    assert.equal(announcesAttachment('Le formulaire est disponible au guichet.'), false);
    assert.equal(announcesAttachment('Bonjour\n\nLe 2 mars, X a écrit :\n> ci-joint mon justificatif'), false);
  });

  it('pièce annoncée absente : la grille répond « non »', () => {
    const sentAt = '2026-03-02T09:00:00.000Z';
    const { measured, answers } = measureContact({
      sentAt,
      messages: [
        {
          direction: 'in',
          kind: 'answer',
          at: '2026-03-03T10:00:00.000Z',
          bodyText: 'Vous trouverez ci-joint la liste des pièces.',
          attachmentCount: 0,
        },
      ],
      calendar,
      timeZone: PARIS,
      now: new Date('2026-03-03T12:00:00.000Z'),
      rules: RULES,
      reoriented: false,
    });
    assert.deepEqual(measured.attachments, { announced: true, present: false });
    assert.equal(answers.attachments_announced, 'no');
  });

  it('liens : https complet ; « sur notre site » sans adresse, « www… » sans https, adresse tronquée : incomplets', () => {
    assert.deepEqual(checkLinks('Prenez rendez-vous sur https://www.puy-de-dome.gouv.fr/rendez-vous.'), {
      total: 1,
      incomplete: [],
    });
    assert.deepEqual(checkLinks('Les horaires sont sur notre site.'), { total: 1, incomplete: ['sur notre site'] });
    assert.deepEqual(checkLinks('Les horaires sont sur notre site : https://www.puy-de-dome.gouv.fr/horaires'), {
      total: 1,
      incomplete: [],
    });
    assert.deepEqual(checkLinks('Consultez www.service-public.fr pour la liste.'), {
      total: 1,
      incomplete: ['www.service-public.fr'],
    });
    assert.deepEqual(checkLinks('Voir https://www.service-public.fr/particuliers/vosdroits/F…'), {
      total: 1,
      incomplete: ['https://www.service-public.fr/particuliers/vosdroits/F…'],
    });
    assert.deepEqual(checkLinks('Voir https://www.interieur'), { total: 1, incomplete: ['https://www.interieur'] });
    // Le site d'une signature est contrôlé avec elle, pas comme un lien.
    assert.deepEqual(checkLinks(answerWith(signatureBlock('functional', parts()))), { total: 0, incomplete: [] });
  });
});

describe('courriels mystère : tri et rattachement', () => {
  it('accusé, avis de réorientation, réponse', () => {
    const ack =
      'Bonjour Madame, Monsieur,\n\nPréfecture du Puy-de-Dôme accuse réception de votre message du lundi 2 mars 2026, enregistré sous la référence 2026-00001.';
    assert.equal(
      classifyIncoming({
        subject: 'Accusé de réception de votre message – dossier 2026-00001',
        text: ack,
        autoSubmitted: 'auto-replied',
      }),
      'acknowledgment',
    );
    assert.equal(
      classifyIncoming({ subject: 'Absence', text: 'Je suis absente.', autoSubmitted: 'auto-replied' }),
      'acknowledgment',
    );
    assert.equal(
      classifyIncoming({
        subject: 'Votre demande 2026-00001 a été transmise au service compétent',
        text: 'Nous vous informons que votre demande a été transmise ce jour au service compétent, Service des étrangers.',
        autoSubmitted: 'auto-replied',
      }),
      'reorientation',
    );
    assert.equal(
      classifyIncoming({ subject: 'RE: Horaires', text: 'Madame, le guichet ouvre à 9 h.', autoSubmitted: null }),
      'answer',
    );
  });

  it('objet : « RE: », « TR: », « Réponse automatique : » retirés', () => {
    assert.equal(normaliseSubject('RE: TR:  Horaires du  guichet'), 'horaires du guichet');
    assert.equal(normaliseSubject('Réponse automatique : RE: Horaires du guichet'), 'horaires du guichet');
  });

  it('par les en-têtes, sinon par l’objet, sinon par l’expéditeur (le dernier envoyé)', () => {
    const candidates = [
      {
        contactId: 'a',
        messageIds: ['<a@m>', '<a-relance@m>'],
        subject: 'Horaires du guichet',
        targetAddress: 'pref@x.fr',
        sentAt: '2026-03-02T09:00:00Z',
      },
      {
        contactId: 'b',
        messageIds: ['<b@m>'],
        subject: 'Carte grise',
        targetAddress: 'pref@x.fr',
        sentAt: '2026-03-03T09:00:00Z',
      },
      {
        contactId: 'c',
        messageIds: ['<c@m>'],
        subject: 'Titre de séjour',
        targetAddress: 'etrangers@x.fr',
        sentAt: '2026-03-04T09:00:00Z',
      },
    ];
    const base = { inReplyTo: [], references: [], subject: null, from: null, at: '2026-03-05T09:00:00Z' };
    assert.deepEqual(matchContact({ ...base, references: ['<z@y>', '<a-relance@m>'] }, candidates), {
      contactId: 'a',
      via: 'headers',
    });
    assert.deepEqual(matchContact({ ...base, subject: 'RE: Carte grise', from: 'autre@x.fr' }, candidates), {
      contactId: 'b',
      via: 'subject',
    });
    assert.deepEqual(matchContact({ ...base, subject: 'Votre demande', from: 'PREF@x.fr' }, candidates), {
      contactId: 'b',
      via: 'sender',
    });
    // Un message arrivé avant l'envoi d'un contact ne peut pas lui répondre.
    assert.deepEqual(matchContact({ ...base, from: 'pref@x.fr', at: '2026-03-02T10:00:00Z' }, candidates), {
      contactId: 'a',
      via: 'sender',
    });
    assert.equal(matchContact({ ...base, from: 'inconnu@x.fr' }, candidates), null);
  });

  it('heure d’un message : son en-tête Date, bornée par la lecture ; sinon la date interne', () => {
    const readAt = new Date('2026-03-05T12:00:00Z');
    assert.equal(arrivalInstant('Thu, 05 Mar 2026 10:00:00 +0100', null, readAt).toISOString(), '2026-03-05T09:00:00.000Z');
    assert.equal(arrivalInstant('Fri, 06 Mar 2026 10:00:00 +0100', null, readAt).toISOString(), '2026-03-05T12:00:00.000Z');
    assert.equal(arrivalInstant('illisible', '2026-03-05T08:00:00.000Z', readAt).toISOString(), '2026-03-05T08:00:00.000Z');
  });
});

describe('courriels mystère : envoi dans la demi-journée et relances', () => {
  it('heure d’envoi : de 9 h à 11 h 30 le matin, de 14 h à 16 h 30 l’après-midi, différente selon le rang', () => {
    const times = new Set<string>();
    for (let rank = 1; rank <= 20; rank++) {
      for (const [halfDay, from, to] of [
        ['am', '09:00', '11:30'],
        ['pm', '14:00', '16:30'],
      ] as const) {
        const local = instantToLocalDateTime(sendInstant('2026-03-02', halfDay, rank, PARIS), PARIS);
        assert.equal(local.slice(0, 10), '2026-03-02');
        assert.ok(local.slice(11) >= from && local.slice(11) <= to, `${halfDay} ${rank} : ${local}`);
        if (halfDay === 'am') times.add(local);
      }
    }
    assert.ok(times.size >= 15, 'envois étalés');
    // La Réunion : l'heure murale est celle du département.
    assert.equal(
      instantToLocalDateTime(sendInstant('2026-03-02', 'am', 0, 'Indian/Reunion'), 'Indian/Reunion'),
      '2026-03-02T09:00',
    );
  });

  it('relance après 5 jours ouvrés sans réponse, un jour ouvré en journée, deux au plus', () => {
    const sentAt = '2026-03-02T09:00:00.000Z'; // lundi 2 mars
    const due = (now: string, reminderDates: string[] = [], answered = false) =>
      reminderDue({ sentAt, reminderDates, answered, now: new Date(now), calendar, timeZone: PARIS });
    assert.equal(due('2026-03-09T09:00:00.000Z'), false, 'lundi 9 : 5e jour ouvré, pas encore');
    assert.equal(due('2026-03-10T09:00:00.000Z'), true, 'mardi 10 à 10 h');
    assert.equal(due('2026-03-10T19:00:00.000Z'), false, 'pas le soir');
    assert.equal(due('2026-03-10T09:00:00.000Z', [], true), false, 'déjà répondu');
    assert.equal(due('2026-03-17T09:00:00.000Z', ['2026-03-10T09:00:00.000Z']), false);
    assert.equal(due('2026-03-18T09:00:00.000Z', ['2026-03-10T09:00:00.000Z']), true);
    assert.equal(
      due('2026-04-30T09:00:00.000Z', ['2026-03-10T09:00:00.000Z', '2026-03-18T09:00:00.000Z']),
      false,
      'deux au plus',
    );
    const text = reminderText({
      subject: 'Horaires du guichet',
      body: 'Bonjour,\nQuels horaires ?',
      sentDay: '2026-03-02',
      count: 1,
    });
    assert.equal(text.subject, 'RE: Horaires du guichet');
    assert.match(text.body, /02\/03\/2026/);
    assert.match(text.body, /> Quels horaires \?/);
  });
});

describe('courriels mystère : mesure d’un contact et grille', () => {
  const sentAt = '2026-03-02T09:10:00.000Z'; // lundi 2 mars, 10 h 10 à Paris
  const ackMessage: ContactMessage = {
    direction: 'in',
    kind: 'acknowledgment',
    at: '2026-03-02T09:12:30.000Z',
    bodyText: 'Accusé de réception.\n\nCordialement,\n\nAccueil général',
    attachmentCount: 0,
  };
  const answer = (at: string, body: string): ContactMessage => ({
    direction: 'in',
    kind: 'answer',
    at,
    bodyText: body,
    attachmentCount: 0,
  });
  const measure = (messages: ContactMessage[], now: string, reoriented = false) =>
    measureContact({ sentAt, messages, calendar, timeZone: PARIS, now: new Date(now), rules: RULES, reoriented });

  it('réponse dans les 5 jours ouvrés, signée : tout « oui », accusé après 3 minutes', () => {
    const { measured, answers } = measure(
      [ackMessage, answer('2026-03-04T14:00:00.000Z', answerWith(signatureBlock('functional', parts())))],
      '2026-03-04T15:00:00.000Z',
    );
    assert.deepEqual(measured.acknowledgment, { at: '2026-03-02T09:12:30.000Z', minutes: 3 });
    assert.deepEqual(measured.answer, { at: '2026-03-04T14:00:00.000Z', workingDays: 2, inTime: true });
    assert.equal(measured.messages, 2);
    assert.deepEqual(answers, {
      acknowledgment: 'yes',
      answer_in_time: 'yes',
      reorientation_notice: 'na',
      complete_signature: 'yes',
      attachments_announced: 'na',
      complete_links: 'na',
    });
  });

  it('réponse le 6e jour ouvré après une relance : « non », relance comptée', () => {
    const { measured, answers } = measure(
      [
        ackMessage,
        { direction: 'out', kind: 'reminder', at: '2026-03-10T09:00:00.000Z', bodyText: 'Relance', attachmentCount: 0 },
        answer('2026-03-10T14:00:00.000Z', answerWith(signatureBlock('individual', parts()))),
      ],
      '2026-03-10T15:00:00.000Z',
    );
    assert.deepEqual(measured.answer, { at: '2026-03-10T14:00:00.000Z', workingDays: 6, inTime: false });
    assert.equal(measured.reminders, 1);
    assert.equal(answers.answer_in_time, 'no');
    assert.equal(answers.complete_signature, 'yes');
  });

  it('sans réponse : rien d’écrit avant l’échéance, puis « non » et signature « na »', () => {
    const during = measure([], '2026-03-05T10:00:00.000Z');
    assert.equal(during.answers.acknowledgment, undefined);
    assert.equal(during.answers.answer_in_time, undefined);
    assert.equal(during.answers.complete_signature, undefined);
    const after = measure([ackMessage], '2026-03-12T10:00:00.000Z');
    assert.equal(after.measured.answer, null);
    assert.equal(after.answers.acknowledgment, 'yes');
    assert.equal(after.answers.answer_in_time, 'no');
    assert.equal(after.answers.complete_signature, 'na');
  });

  it('réorientation : « oui » avec l’avis, « non » si le dossier a été réorienté sans avis', () => {
    const notice: ContactMessage = {
      direction: 'in',
      kind: 'reorientation',
      at: '2026-03-03T09:00:00.000Z',
      bodyText: 'Transmise.',
      attachmentCount: 0,
    };
    assert.equal(measure([notice], '2026-03-03T10:00:00.000Z').answers.reorientation_notice, 'yes');
    assert.equal(measure([], '2026-03-03T10:00:00.000Z', true).answers.reorientation_notice, 'no');
    assert.equal(measure([], '2026-03-03T10:00:00.000Z', true).measured.reorientation, true);
  });
});

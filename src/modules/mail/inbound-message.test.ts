import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fingerprint, htmlToText, readInboundMessage } from './inbound-message.ts';

const crlf = (...lines: string[]) => Buffer.from(lines.join('\r\n'));

describe('Lecture d’un message relevé', () => {
  it('lit expéditeur, objet encodé, Message-ID et fil', async () => {
    const message = await readInboundMessage(
      crlf(
        'From: =?utf-8?Q?Ren=C3=A9e_L=C3=A9vy?= <Renee.Levy@Example.test>',
        'Subject: =?utf-8?B?w4l0w6kgw6AgbGEgcHLDqWZlY3R1cmU=?=',
        'Message-ID: <abc@usager.example.test>',
        'In-Reply-To: <accuse@pref.example.test>',
        'References: <demande@usager.example.test>\r\n <accuse@pref.example.test>',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Bonjour,',
        '',
        '',
        '',
        'merci.',
      ),
    );
    assert.deepEqual(message.from, { address: 'renee.levy@example.test', name: 'Renée Lévy' });
    assert.equal(message.subject, 'Été à la préfecture');
    assert.equal(message.messageId, '<abc@usager.example.test>');
    assert.equal(message.headerMessageId, '<abc@usager.example.test>');
    assert.deepEqual(message.inReplyTo, ['<accuse@pref.example.test>']);
    assert.deepEqual(message.references, ['<demande@usager.example.test>', '<accuse@pref.example.test>']);
    assert.equal(message.text, 'Bonjour,\n\nmerci.');
    assert.equal(message.textSource, 'text');
    assert.equal(message.mimeProblem, null);
  });

  it('sans Message-ID : l’empreinte du message, stable d’une lecture à l’autre', async () => {
    const source = crlf('From: a@example.test', 'Subject: x', '', 'corps');
    const message = await readInboundMessage(source);
    assert.equal(message.messageId, fingerprint(source));
    assert.match(message.messageId, /^sha256:[0-9a-f]{64}$/);
    assert.equal(message.headerMessageId, null);
    assert.equal((await readInboundMessage(source)).messageId, message.messageId);
  });

  it('jeu de caractères inconnu : UTF-8 s’il est valide, sinon Windows-1252, et une remarque', async () => {
    const head =
      'From: a@example.test\r\nSubject: x\r\nContent-Type: text/plain; charset=x-inconnu\r\nContent-Transfer-Encoding: 8bit\r\n\r\n';
    const latin = await readInboundMessage(Buffer.concat([Buffer.from(head), Buffer.from('d\xe9lai \x96 r\xe9ponse', 'latin1')]));
    assert.equal(latin.text, 'délai – réponse');
    assert.match(latin.notes.join(), /x-inconnu.*Windows-1252/);
    const utf8 = await readInboundMessage(Buffer.concat([Buffer.from(head), Buffer.from('délai – réponse', 'utf8')]));
    assert.equal(utf8.text, 'délai – réponse');
    assert.match(utf8.notes.join(), /x-inconnu.*UTF-8/);
    const known = await readInboundMessage(
      Buffer.concat([Buffer.from(head.replace('x-inconnu', 'iso-8859-1')), Buffer.from('d\xe9lai', 'latin1')]),
    );
    assert.equal(known.text, 'délai');
    assert.deepEqual(known.notes, []);
  });

  it('HTML seul : assaini puis réduit au texte, sans script ni attribut', () => {
    const text = htmlToText(
      '<html><head><title>T</title><style>p{color:red}</style></head><body><p onclick="x()">Bonjour&nbsp;&amp; merci</p><script>alert("x")</script><ul><li>un</li><li>deux</li></ul>a<br>b &lt;c&gt;<iframe>cadre</iframe><img src=x onerror=alert(1)></body></html>',
    );
    assert.equal(text, 'Bonjour\u00a0& merci\n\n- un\n- deux\na\nb <c>');
  });

  it('repère les structures illisibles et les parties de rapport des rebonds', async () => {
    const noBoundary = await readInboundMessage(
      crlf('From: a@example.test', 'Subject: x', 'Content-Type: multipart/mixed', '', '--a', '', 'x'),
    );
    assert.match(noBoundary.mimeProblem ?? '', /sans délimiteur/);
    const wrongBoundary = await readInboundMessage(
      crlf('From: a@example.test', 'Subject: x', 'Content-Type: multipart/mixed; boundary="zz"', '', '--a', '', 'x'),
    );
    assert.match(wrongBoundary.mimeProblem ?? '', /« zz » n’apparaît pas/);
    const garbage = await readInboundMessage(Buffer.from('\x00\x01 rien\r\nde lisible\r\n\r\ncorps', 'latin1'));
    assert.match(garbage.mimeProblem ?? '', /aucun en-tête/);

    const bounce = await readInboundMessage(
      crlf(
        'From: MAILER-DAEMON@relais.example.test',
        'Subject: Undelivered',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'Non remis.',
        '--b',
        'Content-Type: message/delivery-status',
        '',
        'Status: 5.1.1',
        '--b',
        'Content-Type: text/rfc822-headers',
        '',
        'Message-ID: <accuse@pref.example.test>',
        '--b--',
        '',
      ),
    );
    assert.equal(bounce.contentType, 'multipart/report');
    assert.equal(bounce.reportType, 'delivery-status');
    assert.match(bounce.reportText, /Status: 5\.1\.1/);
    assert.match(bounce.reportText, /Message-ID: <accuse@pref\.example\.test>/);
    assert.deepEqual(bounce.attachments, [], 'les parties de rapport ne sont pas des pièces jointes');
  });
});

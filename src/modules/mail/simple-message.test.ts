import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readInboundMessage } from './inbound-message.ts';
import { decodeWords, readSimpleMessage } from './simple-message.ts';

/**
 * La lecture directe doit rendre exactement ce que rend mailparser : chaque variante du corpus est lue
 * des deux façons et comparée champ à champ. Le corpus dit aussi quelles formes sont lues directement
 * (sinon le gain disparaîtrait sans bruit) et lesquelles sont laissées à mailparser.
 */

const crlf = (lines: (string | Buffer)[]) =>
  Buffer.concat(
    lines.flatMap((l, i) => [
      typeof l === 'string' ? Buffer.from(l, 'latin1') : l,
      ...(i < lines.length - 1 ? [Buffer.from('\r\n')] : []),
    ]),
  );
const utf8 = (text: string) => Buffer.from(text, 'utf8');
const latin1 = (text: string) => Buffer.from(text, 'latin1');
const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const b64 = (bytes: Buffer) => (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');

const HEAD = [
  'From: Jeanne Martin <jeanne.martin@example.test>',
  'To: pref@example.test',
  'Subject: Demande',
  'Date: Thu, 02 Apr 2026 09:00:00 +0200',
  'Message-ID: <m1@usager.example.test>',
  'MIME-Version: 1.0',
];
const without = (name: string) => HEAD.filter((h) => !h.toLowerCase().startsWith(`${name.toLowerCase()}:`));
const withHeader = (name: string, ...values: string[]) => [...without(name), ...values.map((v) => `${name}: ${v}`)];
const plain = (headers: string[], body: (string | Buffer)[], type = 'text/plain; charset=utf-8', encoding = '8bit') =>
  crlf([...headers, `Content-Type: ${type}`, `Content-Transfer-Encoding: ${encoding}`, '', ...body]);
const BODY = [
  utf8('Bonjour,'),
  '',
  utf8('Je souhaiterais connaître les pièces à fournir — merci.'),
  '',
  'Cordialement,',
  'Jeanne',
];

const alternative = (boundary: string, plainPart: (string | Buffer)[] | null, htmlPart: (string | Buffer)[] | null) => [
  ...(plainPart ? [`--${boundary}`, ...plainPart] : []),
  ...(htmlPart ? [`--${boundary}`, ...htmlPart] : []),
  `--${boundary}--`,
];
const PLAIN_PART = [
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Bonjour, les pi=C3=A8ces =',
  '=C3=A0 fournir ?  ',
  'Merci.',
];
const HTML_PART = [
  'Content-Type: text/html; charset="UTF-8"',
  'Content-Transfer-Encoding: base64',
  '',
  b64(utf8('<html><body><p>Bonjour, les pièces <b>à fournir</b> ?</p><p>Merci.</p></body></html>')),
];

/** Formes lues directement : le résultat doit être identique à celui de mailparser. */
const SIMPLE: Record<string, Buffer> = {
  'texte UTF-8 8 bits': plain(HEAD, BODY),
  'texte ASCII 7 bits sans jeu de caractères': plain(HEAD, ['Hello', 'world'], 'text/plain', '7bit'),
  'texte sans Content-Type ni encodage': crlf([...HEAD, '', 'Bonjour', '']),
  'texte us-ascii contenant de l’UTF-8': plain(HEAD, BODY, 'text/plain; charset=us-ascii'),
  'texte quoted-printable, sauts doux et blancs de fin': plain(
    HEAD,
    ['Bonjour =', 'les pi=C3=A8ces   ', 'd=C3=A9lai=3D5 =E2=80=94 fin=', ''],
    'text/plain; charset=utf-8',
    'quoted-printable',
  ),
  'texte quoted-printable ISO-8859-1': plain(
    HEAD,
    ['d=E9lai de r=E9ponse =80 =96'],
    'text/plain; charset=ISO-8859-1',
    'quoted-printable',
  ),
  'texte windows-1252 8 bits': plain(HEAD, [latin1('d\xe9lai \x96 r\xe9ponse \x80')], 'text/plain; charset=windows-1252'),
  'texte iso-8859-15 8 bits': plain(HEAD, [latin1('co\xfbt : 10 \xa4')], 'text/plain; charset="iso-8859-15"'),
  'texte base64': plain(HEAD, [b64(utf8('Bonjour,\r\nla réponse sous 5 jours ?\r\n'))], 'text/plain; charset=utf-8', 'base64'),
  'texte UTF-8 invalide': plain(HEAD, [Buffer.from([0x61, 0xc3, 0x28, 0xe9, 0x62])]),
  'corps vide': plain(HEAD, ['']),
  'texte en CRLF nombreux': plain(HEAD, ['a', '', '', '', 'b', '', '']),
  'HTML seul': plain(HEAD, [utf8('<p>Bonjour <script>x()</script>à vous</p>')], 'text/html; charset=utf-8'),
  'HTML seul quoted-printable': plain(
    HEAD,
    ['<p>Bonjour =C3=A0 vous</p>=', '<br>fin'],
    'text/html; charset=utf-8',
    'quoted-printable',
  ),
  'alternative texte et HTML': crlf([
    ...HEAD,
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    ...alternative('alt', PLAIN_PART, HTML_PART),
    '',
  ]),
  'alternative HTML puis texte': crlf([
    ...HEAD,
    'Content-Type: multipart/alternative; boundary=alt2',
    '',
    ...alternative('alt2', HTML_PART, PLAIN_PART),
  ]),
  'alternative au texte blanc': crlf([
    ...HEAD,
    'Content-Type: multipart/alternative; boundary="b"',
    '',
    ...alternative('b', ['Content-Type: text/plain; charset=utf-8', '', '', ''], HTML_PART),
  ]),
  'alternative HTML seul': crlf([
    ...HEAD,
    'Content-Type: multipart/alternative; boundary="b"',
    '',
    ...alternative('b', null, HTML_PART),
  ]),
  'préambule et épilogue': crlf([
    ...HEAD,
    'Content-Type: multipart/alternative; boundary="=_b 1"',
    '',
    'This is a multi-part message in MIME format.',
    '',
    ...alternative('=_b 1', PLAIN_PART, HTML_PART),
    'épilogue',
    '',
  ]),
  'mixte : texte et PDF': crlf([
    ...HEAD,
    'Content-Type: multipart/mixed; boundary="mix"',
    '',
    '--mix',
    'Content-Type: text/plain; charset=utf-8',
    '',
    utf8('Voici la pièce demandée.'),
    '--mix',
    'Content-Type: application/pdf; name="piece.pdf"',
    'Content-Disposition: attachment; filename="justificatif de domicile.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    b64(pdf),
    '--mix--',
  ]),
  'mixte : alternative, image en ligne et PDF sans nom': crlf([
    ...HEAD,
    'Content-Type: multipart/mixed; boundary=mix',
    '',
    '--mix',
    'Content-Type: multipart/alternative; boundary=alt',
    '',
    ...alternative('alt', PLAIN_PART, HTML_PART),
    '--mix',
    'Content-Type: image/png; name=scan.png',
    'Content-Disposition: inline',
    'Content-Transfer-Encoding: base64',
    '',
    b64(png),
    '--mix',
    'Content-Type: application/pdf',
    'Content-Disposition: attachment',
    'Content-Transfer-Encoding: base64',
    '',
    b64(pdf),
    '--mix--',
    '',
  ]),
  'mixte : HTML seul et pièce': crlf([
    ...HEAD,
    'Content-Type: multipart/mixed; boundary="m"',
    '',
    '--m',
    ...HTML_PART,
    '--m',
    'Content-Type: image/jpeg',
    'Content-Transfer-Encoding: base64',
    '',
    b64(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])),
    '--m--',
  ]),
  'objet encodé Q': plain(withHeader('Subject', '=?utf-8?Q?Demande_n=C2=B0_12_:_carte_grise?='), BODY),
  'objet encodé B': plain(withHeader('Subject', '=?UTF-8?B?w4l0w6kgw6AgbGEgcHLDqWZlY3R1cmU=?='), BODY),
  'objet en mots encodés adjacents (caractère coupé)': plain(
    withHeader('Subject', '=?utf-8?B?w4l0?= =?utf-8?B?w6kg?=', ' =?utf-8?q?=C3?= =?UTF-8?Q?=A0_vous?='),
    BODY,
  ),
  'objet mêlant texte et mots encodés': plain(
    withHeader('Subject', 'Re: =?iso-8859-1?q?d=E9lai?= de =?windows-1252?Q?r=E9ponse_=80?= fin'),
    BODY,
  ),
  'objet encodé iso-8859-15 et us-ascii': plain(
    withHeader('Subject', '=?iso-8859-15?Q?=A4?= =?us-ascii?Q?abc?= x =?utf8?B?w6k=?='),
    BODY,
  ),
  'objet plié sur plusieurs lignes': plain([...without('Subject'), 'Subject: une demande\r\n\tsur plusieurs\r\n   lignes'], BODY),
  'objet vide puis un second': plain([...without('Subject'), 'Subject:', 'Subject: le second'], BODY),
  'sans objet': plain(without('Subject'), BODY),
  'expéditeur nu': plain(withHeader('From', 'jeanne@example.test'), BODY),
  'expéditeur entre chevrons': plain(withHeader('From', '<Jeanne.Martin@Example.TEST>'), BODY),
  'expéditeur avec nom entre guillemets': plain(withHeader('From', '"Martin, Jeanne (usager)" <jeanne@example.test>'), BODY),
  'expéditeur au nom encodé': plain(withHeader('From', '=?utf-8?Q?Ren=C3=A9e_L=C3=A9vy?= <renee@example.test>'), BODY),
  'expéditeur au nom avec point et apostrophe': plain(withHeader('From', "J. O'Brien <job@example.test>"), BODY),
  'expéditeur au nom collé': plain(withHeader('From', 'Jeanne<jeanne@example.test>'), BODY),
  'expéditeur entre guillemets vides': plain(withHeader('From', '"" <jeanne@example.test>'), BODY),
  'sans expéditeur': plain(without('From'), BODY),
  'expéditeur vide': plain(withHeader('From', ''), BODY),
  'Message-ID sans chevrons': plain(withHeader('Message-ID', 'sans-chevrons@example.test'), BODY),
  'sans Message-ID': plain(without('Message-ID'), BODY),
  'réponse : In-Reply-To et References pliées': plain(
    [...HEAD, 'In-Reply-To: <accuse@pref.example.test>', 'References: <a@x> jeton-nu\r\n <b@y>', 'References: <c@z>'],
    BODY,
  ),
  'en-têtes de tri (réponse automatique, liste)': plain(
    [...HEAD, 'Auto-Submitted: auto-replied', 'List-Id: <liste.example.test>', 'Precedence: bulk', 'X-Autoreply: yes'],
    BODY,
  ),
  'deux expéditeurs : le premier': plain([...HEAD, 'From: second@example.test'], BODY),
  'noms d’en-têtes en majuscules, sans espace après les deux-points': plain(
    ['FROM:jeanne@example.test', 'SUBJECT:Objet', 'message-id:<x@y>'],
    BODY,
  ),
  'expéditeur plié avec tabulation': plain([...without('From'), 'From: Jeanne Martin\r\n\t<jeanne@example.test>'], BODY),
  'mots encodés : blanc après =, texte collé, encodage inconnu': plain(
    withHeader('Subject', '=?utf-8?Q?a=  41?=b =?utf-8?X?abc?= =?utf-8?Q?fin_?= '),
    BODY,
  ),
  'corps à une partie avec LF et CR seuls': plain(HEAD, [latin1('ligne\nsuivante\rencore'), 'fin']),
  'pièce en quoted-printable et en 8 bits, encodages en majuscules': crlf([
    ...HEAD,
    'Content-Type: multipart/mixed; boundary="mix"',
    '',
    '--mix',
    'Content-Type: text/plain; charset=UTF8',
    'Content-Transfer-Encoding: Quoted-Printable',
    '',
    'caf=C3=A9',
    '--mix',
    'Content-Type: application/json; name=data.json',
    'Content-Transfer-Encoding: QUOTED-PRINTABLE',
    '',
    '{"a":=201}',
    '--mix',
    'Content-Type: image/tiff',
    'Content-Disposition: attachment; filename=scan.tif',
    'Content-Transfer-Encoding: 8bit',
    '',
    latin1('II*\x00\xff\xfe'),
    '--mix--',
  ]),
  'Content-Type en majuscules, paramètres espacés': plain(HEAD, BODY, 'Text/Plain ; Charset = "utf-8" ; x-extra=1'),
};

/** Formes laissées à mailparser (la lecture directe rend null) ; le résultat reste celui de mailparser. */
const DELEGATED: Record<string, Buffer> = {
  'jeu de caractères inconnu': plain(HEAD, [latin1('d\xe9lai')], 'text/plain; charset=x-inconnu'),
  'format=flowed': plain(HEAD, ['ligne coupée ', 'ici'], 'text/plain; charset=utf-8; format=flowed'),
  'en-tête en UTF-8 brut': plain(withHeader('Subject', 'Délai'), BODY),
  'fins de ligne LF seules': Buffer.from('From: a@example.test\nSubject: x\n\ncorps\n'),
  'plusieurs expéditeurs': plain(withHeader('From', 'a@example.test, b@example.test'), BODY),
  'groupe d’adresses': plain(withHeader('From', 'Usagers: a@example.test;'), BODY),
  'nom avec espaces doubles': plain(withHeader('From', 'Jeanne  Martin <jeanne@example.test>'), BODY),
  'nom de fichier encodé': crlf([
    ...HEAD,
    'Content-Type: multipart/mixed; boundary="mix"',
    '',
    '--mix',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'x',
    '--mix',
    'Content-Type: application/pdf',
    "Content-Disposition: attachment; filename*=utf-8''pi%C3%A8ce.pdf",
    'Content-Transfer-Encoding: base64',
    '',
    b64(pdf),
    '--mix--',
  ]),
  'pièce application/octet-stream': crlf([
    ...HEAD,
    'Content-Type: multipart/mixed; boundary="mix"',
    '',
    '--mix',
    'Content-Type: text/plain',
    '',
    'x',
    '--mix',
    'Content-Type: application/octet-stream; name="scan.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    b64(pdf),
    '--mix--',
  ]),
  'rapport de remise (rebond)': crlf([
    'From: MAILER-DAEMON@example.test',
    'Subject: Undelivered Mail',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
    '',
    '--r',
    'Content-Type: text/plain',
    '',
    'Non remis',
    '--r',
    'Content-Type: message/delivery-status',
    '',
    'Status: 5.1.1',
    '--r--',
  ]),
  'partie au corps vide': crlf([
    ...HEAD,
    'Content-Type: multipart/alternative; boundary="b"',
    '',
    ...alternative('b', ['Content-Type: text/plain; charset=utf-8', '', ''], HTML_PART),
  ]),
  'multipart avec LF seul': Buffer.from(
    'From: a@example.test\r\nSubject: x\r\nContent-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\n--b\r\nContent-Type: text/html\r\n\r\n<p>y</p>\r\n--b--\r\n',
  ),
  'corps base64 aux lignes terminées par des blancs': plain(HEAD, ['SGVsbG8g ', 'd29ybGQ='], 'text/plain', 'base64'),
  'mot encodé base64 invalide': plain(withHeader('Subject', '=?utf-8?B?###?='), BODY),
  'deux Content-Type': crlf([...HEAD, 'Content-Type: text/plain', 'Content-Type: text/html', '', 'x']),
  'sans fin de multipart': crlf([
    ...HEAD,
    'Content-Type: multipart/alternative; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'x',
  ]),
  'délimiteur suivi de blancs': crlf([
    ...HEAD,
    'Content-Type: multipart/alternative; boundary="b"',
    '',
    '--b ',
    'Content-Type: text/plain',
    '',
    'x',
    '--b--',
  ]),
  'Content-Type avec commentaire': plain(HEAD, BODY, 'text/plain; charset=utf-8 (commentaire)'),
  'mot encodé en jeu de caractères rare': plain(withHeader('Subject', '=?koi8-r?B?8NLJ18XU?='), BODY),
  'structure illisible : boundary absent': crlf([...HEAD, 'Content-Type: multipart/mixed', '', '--a', '', 'x']),
  'texte en pièce jointe': crlf([
    ...HEAD,
    'Content-Type: multipart/mixed; boundary="mix"',
    '',
    '--mix',
    'Content-Type: text/plain',
    '',
    'x',
    '--mix',
    'Content-Type: text/plain; name="note.txt"',
    'Content-Disposition: attachment; filename="note.txt"',
    '',
    'note',
    '--mix--',
  ]),
};

describe('Lecture directe des messages simples', () => {
  for (const [name, source] of Object.entries(SIMPLE)) {
    it(`lue directement, comme mailparser : ${name}`, async () => {
      assert.ok(readSimpleMessage(source), 'forme lue directement');
      assert.deepEqual(await readInboundMessage(source), await readInboundMessage(source, { mailparserOnly: true }));
    });
  }

  for (const [name, source] of Object.entries(DELEGATED)) {
    it(`laissée à mailparser : ${name}`, async () => {
      assert.equal(readSimpleMessage(source), null);
      assert.deepEqual(await readInboundMessage(source), await readInboundMessage(source, { mailparserOnly: true }));
    });
  }

  it('les messages du banc de relève sont lus directement, à l’identique', async () => {
    for (let i = 0; i < 8; i++) {
      const paragraph = 'Je souhaiterais connaître les pièces à fournir et le délai de traitement de ma demande. ';
      const text = `Bonjour,\r\n\r\n${paragraph.repeat(1 + (i % 5))}\r\n\r\nCordialement,\r\nUsager ${i}\r\n`;
      const headers = [
        `From: Usager ${i} <usager${i}@example.test>`,
        'To: pref-banc@example.test',
        `Subject: =?utf-8?Q?Demande_n=C2=B0_${i}_:_carte_grise?=`,
        `Message-ID: <banc-${i}@usager.example.test>`,
      ];
      const source =
        i % 4 !== 0
          ? plain(headers, [utf8(text)])
          : crlf([
              ...headers,
              'Content-Type: multipart/alternative; boundary="alt"',
              '',
              '--alt',
              'Content-Type: text/plain; charset=utf-8',
              'Content-Transfer-Encoding: 8bit',
              '',
              utf8(text),
              '--alt',
              'Content-Type: text/html; charset=utf-8',
              '',
              utf8(`<html><body><p>${text.replace(/\r\n/g, '<br>')}</p></body></html>`),
              '--alt--',
              '',
            ]);
      assert.ok(readSimpleMessage(source));
      assert.deepEqual(await readInboundMessage(source), await readInboundMessage(source, { mailparserOnly: true }));
    }
  });

  it('décode les mots encodés comme libmime, sur toute la plage des octets', async () => {
    for (const charset of ['iso-8859-1', 'windows-1252', 'iso-8859-15']) {
      for (let start = 0xa0; start < 0x100; start += 16) {
        const bytes = Array.from({ length: 16 }, (_, i) => `=${(start + i).toString(16).toUpperCase()}`).join('');
        const source = plain(withHeader('Subject', `=?${charset}?Q?${bytes}?=`), ['x']);
        assert.deepEqual(await readInboundMessage(source), await readInboundMessage(source, { mailparserOnly: true }), charset);
      }
    }
    assert.equal(decodeWords('sans mot encodé'), 'sans mot encodé');
  });
});

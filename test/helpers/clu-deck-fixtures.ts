import assert from 'node:assert/strict';
import { CLI_ACTOR } from '../../src/modules/audit/audit.service.ts';
import { STANDARD_AGENDA } from '../../src/modules/clu/clu-agenda.ts';
import { createMeeting } from '../../src/modules/clu/clu-meeting.service.ts';
import type { TestContext } from './context.ts';
import { readZip } from './documents.ts';

/** Réunions du CLU et lecture des supports PPTX dans les tests. */

/** Une réunion avec l'ordre du jour type, sur la période donnée. */
export async function meetingFor(
  t: Pick<TestContext, 'ctx'>,
  organisationId: string,
  date: string,
  periodFrom: string,
  periodTo: string,
) {
  const agenda: Record<string, string> = { agendaCount: String(STANDARD_AGENDA.length) };
  STANDARD_AGENDA.forEach((item, i) => {
    agenda[`agendaKey_${i}`] = item.key;
    agenda[`agendaTitle_${i}`] = item.title;
  });
  return createMeeting(
    t.ctx,
    organisationId,
    {
      date,
      time: '10:00',
      durationMinutes: '120',
      place: 'Salle Gilbert-Romme',
      chair: 'M. le secrétaire général',
      periodFrom,
      periodTo,
      ...agenda,
    },
    CLI_ACTOR,
  );
}

export function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#x([0-9a-fA-F]+);/g, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&amp;/g, '&');
}

/** Le texte de chaque diapositive (éléments `a:t`, un par ligne), dans l'ordre, et son titre (espace réservé « title »). */
export function readSlides(pptx: Buffer): { title: string; text: string }[] {
  const files = readZip(pptx);
  assert.ok(files.has('[Content_Types].xml'), 'PPTX : [Content_Types].xml présent');
  assert.ok(files.has('ppt/presentation.xml'), 'PPTX : ppt/presentation.xml présent');
  const count = [...files.keys()].filter((name) => /^ppt\/slides\/slide\d+\.xml$/.test(name)).length;
  const slides: { title: string; text: string }[] = [];
  for (let i = 1; i <= count; i++) {
    const xml = files.get(`ppt/slides/slide${i}.xml`)?.toString('utf8') ?? '';
    const texts = (part: string) => [...part.matchAll(/<a:t>([^<]*)<\/a:t>/g)].map((m) => decodeXml(m[1] ?? ''));
    const shapes = xml.split('</p:sp>');
    const titleShape = shapes.find((s) => /<p:ph[^>]*type="title"/.test(s));
    slides.push({ title: titleShape ? texts(titleShape).join('') : (texts(xml)[2] ?? ''), text: texts(xml).join('\n') });
  }
  return slides;
}

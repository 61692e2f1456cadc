import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { checkbox, optionalText, requiredText, validate } from '../../shared/validation.ts';
import { formatBytes } from '../../ui/format.ts';
import { findUserById } from '../accounts/account.repository.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { instantToLocalDate } from '../calendar/local-date.ts';
import { type CaseRow, findCase, insertAttachment, insertCaseEvents, listAttachments } from '../cases/case.repository.ts';
import { organisationContext, recordAnswer } from '../cases/case.service.ts';
import { MAX_ATTACHMENTS_PER_CASE } from '../cases/case-attachment.service.ts';
import { caseEvent } from '../cases/case-event.ts';
import type { CaseChannel } from '../cases/vocabulary.ts';
import { prefectLabel } from '../organisations/departments.ts';
import { listServices } from '../organisations/organisation.repository.ts';
import { caseTemplateValues } from './correspondence.service.ts';
import { TO_COMPLETE_MARKER } from './default-templates.ts';
import { type Letter, letterDocx, letterPdf, longFrenchDate, splitLetterContent } from './letter.ts';
import { listMailboxes } from './mailbox.repository.ts';
import { signatureParts } from './signature.ts';
import { findSignature, listTemplates } from './template.repository.ts';
import { ensureDefaultTemplates } from './template.service.ts';
import { chooseTemplate, renderTemplate } from './template.ts';

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export const letterSchema = z.object({
  subject: requiredText('Objet', 300),
  body: requiredText('Contenu', 20_000),
  followedBy: optionalText('Affaire suivie par', 200),
  enclosures: optionalText('Pièce(s) jointe(s)', 500),
  recipientName: optionalText('Destinataire', 200),
  recipientAddress: requiredText('Adresse postale du destinataire', 500),
  recordAnswer: checkbox,
});
export type LetterInput = z.input<typeof letterSchema>;

/** Ce qui pré-remplit le formulaire de la lettre (tout reste modifiable). */
export interface LetterDraft {
  subject: string;
  body: string;
  followedBy: string;
  enclosures: string;
  recipientName: string;
  recipientAddress: string;
  /** Cochée tant que le dossier n'a pas de réponse. */
  recordAnswer: boolean;
}

/** « votre courrier du 1er décembre 2026 — dossier 2026-00042 », selon le canal de la demande. */
export function letterReference(
  c: Pick<CaseRow, 'channel' | 'received_local_date' | 'deposit_local_date' | 'reference'>,
): string {
  const what: Record<CaseChannel, string> = {
    letter: 'votre courrier du',
    urn: 'votre formulaire déposé le',
    email: 'votre courriel du',
    web_form: 'votre message en ligne du',
    phone: 'votre appel du',
    counter: 'votre visite à l’accueil du',
    internal: 'votre demande du',
  };
  // Pour l'urne, la date écrite par le demandeur quand elle est connue (la relève vient après).
  const date = c.channel === 'urn' ? (c.deposit_local_date ?? c.received_local_date) : c.received_local_date;
  return `${what[c.channel]} ${longFrenchDate(date)} — dossier ${c.reference}`;
}

/** Noms des fichiers : « lettre-2026-00042-2026-12-03.docx », suffixés si la même lettre du jour existe déjà. */
export function letterFilenames(reference: string, date: string, existing: readonly string[]): { docx: string; pdf: string } {
  const taken = new Set(existing);
  for (let n = 1; ; n++) {
    const stem = `lettre-${reference}-${date}${n === 1 ? '' : `-${n}`}`;
    if (!taken.has(`${stem}.docx`) && !taken.has(`${stem}.pdf`)) return { docx: `${stem}.docx`, pdf: `${stem}.pdf` };
  }
}

async function caseOf(ctx: AppContext, organisationId: string, caseId: string): Promise<CaseRow> {
  const row = await findCase(ctx.db, organisationId, caseId);
  if (!row) throw new AppError('not_found', {}, 'Dossier introuvable.');
  return row;
}

/** Tout ce qui entoure le contenu : organisation, département, service, signature, boîte, date du jour. */
async function letterSources(ctx: AppContext, organisationId: string, row: CaseRow) {
  const { organisation, department, calendar } = await organisationContext(ctx, organisationId);
  const services = await listServices(ctx.db, organisationId);
  const service = services.find((s) => s.id === row.service_id);
  const storedSignature = service ? await findSignature(ctx.db, organisationId, service.id) : undefined;
  const mailbox = service
    ? ((await listMailboxes(ctx.db, organisationId)).find((m) => m.service_id === service.id) ?? null)
    : null;
  const today = instantToLocalDate(ctx.clock.now(), department.timeZone);
  return { organisation, department, calendar, service, storedSignature, mailbox, today };
}

/** Le formulaire pré-rempli : contenu tiré du modèle « lettre » de l'organisation, agent connecté. */
export async function letterDraft(
  ctx: AppContext,
  organisationId: string,
  caseId: string,
  agent: { userId: string; displayName: string },
): Promise<{ case: CaseRow; draft: LetterDraft; templateName: string | null }> {
  const row = await caseOf(ctx, organisationId, caseId);
  await ensureDefaultTemplates(ctx.db, ctx, organisationId);
  const sources = await letterSources(ctx, organisationId, row);
  const template = chooseTemplate(
    await listTemplates(ctx.db, organisationId, { purpose: 'letter' }),
    'letter',
    row.service_id,
    row.kind,
  );
  const user = await findUserById(ctx.db, agent.userId);
  const values = caseTemplateValues({
    organisation: sources.organisation,
    caseRow: row,
    service: sources.service,
    storedSignature: sources.storedSignature,
    mailbox: sources.mailbox,
    signatureForm: 'functional',
    agent: { name: agent.displayName, title: user?.job_title ?? null },
    today: sources.today,
  });
  const subject = template ? renderTemplate(template.subject, values).trim() : '';
  return {
    case: row,
    templateName: template?.name ?? null,
    draft: {
      subject: subject || row.subject || `Votre demande — dossier ${row.reference}`,
      body: template ? renderTemplate(template.body, values).trim() : '',
      followedBy: agent.displayName,
      enclosures: '',
      recipientName: row.requester_name ?? '',
      recipientAddress: row.requester_address ?? '',
      recordAnswer: row.status !== 'answered' && row.status !== 'closed',
    },
  };
}

function nonEmptyLines(text: string | null | undefined): string[] {
  return (text ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

export interface PreparedLetter {
  docx: { id: string; filename: string };
  pdf: { id: string; filename: string };
  answer: { delay: number; answeredLocalDate: string } | null;
}

/**
 * Prépare la lettre de réponse d'un dossier : DOCX (modifiable) et PDF, enregistrés comme pièces
 * jointes du dossier avec l'événement « letter_generated » et l'audit, dans une transaction. Avec
 * « enregistrer comme réponse », la réponse par courrier du jour est enregistrée ensuite (même règle
 * que la réponse saisie sur la fiche : date locale, délai en jours ouvrés, statut « répondu »).
 */
export async function prepareLetter(
  ctx: AppContext,
  organisationId: string,
  caseId: string,
  input: unknown,
  actor: Actor,
): Promise<PreparedLetter> {
  const data = validate(letterSchema, input);
  if (data.body.includes(TO_COMPLETE_MARKER)) {
    throw new AppError('validation_failed', {
      body: `Contenu : complétez ou supprimez le passage « ${TO_COMPLETE_MARKER} … » du modèle avant de générer la lettre.`,
    });
  }
  const row = await caseOf(ctx, organisationId, caseId);
  const sources = await letterSources(ctx, organisationId, row);
  if (data.recordAnswer && sources.today < row.received_local_date) {
    throw new AppError('answer_before_receipt', {
      recordAnswer: `Réponse : la date du jour précède la réception (${row.received_local_date}).`,
    });
  }
  const existing = await listAttachments(ctx.db, caseId);
  if (existing.length + 2 > MAX_ATTACHMENTS_PER_CASE) {
    throw new AppError(
      'attachment_limit_reached',
      {},
      `La lettre ajoute deux pièces jointes (DOCX et PDF) : ce dossier en a déjà ${existing.length}, pour ${MAX_ATTACHMENTS_PER_CASE} au plus. Supprimez-en d’abord.`,
    );
  }

  const organisationName = sources.organisation.name;
  const parts = signatureParts({
    serviceName: sources.service?.name ?? null,
    organisationName,
    stored: sources.storedSignature,
    email: sources.mailbox?.address ?? sources.service?.mailbox_address ?? null,
  });
  const serviceLines = nonEmptyLines(parts.serviceLabel);
  const content = splitLetterContent(data.body);
  const letter: Letter = {
    prefectLabel: prefectLabel(sources.department),
    organisationName,
    sender: { lines: serviceLines, followedBy: data.followedBy ?? null, phone: parts.phone, email: parts.email },
    place: sources.department.prefectureCity,
    date: sources.today,
    recipient: [...(data.recipientName ? [data.recipientName] : []), ...nonEmptyLines(data.recipientAddress)],
    subject: data.subject,
    reference: letterReference(row),
    enclosures: data.enclosures ?? null,
    salutation: content.salutation,
    body: content.body,
    closing: content.closing,
    // Signature du service (repli : son nom, puis la préfecture) ; adresse et téléphone sont en pied.
    signature: serviceLines.length > 0 ? serviceLines : [organisationName],
    contact: {
      organisationName,
      postalAddress: nonEmptyLines(parts.postalAddress),
      phone: parts.phone,
      email: parts.email,
      website: parts.website,
    },
  };
  const [docx, pdf] = await Promise.all([letterDocx(letter), letterPdf(letter)]);
  const names = letterFilenames(
    row.reference,
    sources.today,
    existing.map((a) => a.filename),
  );
  const now = ctx.clock.now().toISOString();
  const docxId = newId();
  const pdfId = newId();
  const writeLetter = async (trx: Transaction<Database>) => {
    await insertAttachment(trx, {
      id: docxId,
      case_id: caseId,
      filename: names.docx,
      content_type: DOCX_TYPE,
      size: docx.length,
      content: docx,
      created_at: now,
    });
    await insertAttachment(trx, {
      id: pdfId,
      case_id: caseId,
      filename: names.pdf,
      content_type: 'application/pdf',
      size: pdf.length,
      content: pdf,
      created_at: now,
    });
    await insertCaseEvents(trx, [
      // Pas l'objet dans le résumé : l'historique survit à l'effacement des données personnelles.
      caseEvent(
        caseId,
        'letter_generated',
        actor,
        `Lettre de réponse préparée : ${names.docx} (${formatBytes(docx.length)}) et ${names.pdf} (${formatBytes(pdf.length)})`,
        now,
        { docxAttachmentId: docxId, pdfAttachmentId: pdfId },
      ),
    ]);
    // Ni le contenu ni l'adresse dans l'audit : les noms des fichiers et l'objet suffisent.
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'case.letter_generated',
      entityType: 'case',
      entityId: caseId,
      summary: `Lettre de réponse préparée pour le dossier ${row.reference}`,
      after: {
        docxAttachmentId: docxId,
        pdfAttachmentId: pdfId,
        filenames: [names.docx, names.pdf],
        recordAnswer: data.recordAnswer,
      },
    });
  };
  // Avec « enregistrer comme réponse », la lettre et la réponse sont écrites ensemble ou pas du tout.
  const answer = data.recordAnswer
    ? await recordAnswer(
        ctx,
        organisationId,
        caseId,
        { answeredAt: sources.today, answerChannel: 'letter', answerText: data.body },
        actor,
        { within: writeLetter },
      )
    : null;
  if (!data.recordAnswer) await ctx.db.transaction().execute(writeLetter);
  return { docx: { id: docxId, filename: names.docx }, pdf: { id: pdfId, filename: names.pdf }, answer };
}

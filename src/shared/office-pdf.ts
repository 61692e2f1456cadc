import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AppError } from './errors.ts';

/**
 * Conversion d'un document Office (PPTX, DOCX) en PDF par LibreOffice, quand il est installé : Vigie
 * fonctionne sans (le PDF n'est alors simplement pas proposé). Chaque conversion tourne dans un
 * processus enfant avec son propre profil (`-env:UserInstallation`) : deux conversions simultanées ne
 * se bloquent pas sur le profil partagé, et un LibreOffice déjà ouvert par l'utilisateur n'est pas
 * réutilisé. Un délai borne la conversion (un document piégé ne fige pas le serveur).
 */

export const DEFAULT_CONVERSION_TIMEOUT_MS = 120_000;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Le chemin de `soffice` : celui configuré (`VIGIE_SOFFICE`) s'il est exécutable, sinon le premier
 * trouvé dans le `PATH` ; `null` quand LibreOffice est absent. Appelé par `src/config.ts`, seul lecteur
 * de l'environnement.
 */
export function resolveSoffice(configured: string | undefined, pathVariable: string | undefined): string | null {
  if (configured && configured.trim() !== '') {
    const path = configured.trim();
    return isAbsolute(path) && isExecutable(path) ? path : null;
  }
  for (const dir of (pathVariable ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const name of ['soffice', 'libreoffice']) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

export type OfficeFormat = 'pptx' | 'docx' | 'xlsx';

export interface ConversionOptions {
  timeoutMs?: number;
}

/** Convertit un document en PDF ; lève une `AppError` en français si LibreOffice échoue ou dépasse le délai. */
export async function officeToPdf(
  soffice: string | null,
  document: Buffer,
  format: OfficeFormat,
  options: ConversionOptions = {},
): Promise<Buffer> {
  if (!soffice) throw new AppError('pdf_unavailable');
  const work = mkdtempSync(join(tmpdir(), 'vigie-office-'));
  try {
    const input = join(work, `document.${format}`);
    const out = join(work, 'pdf');
    writeFileSync(input, document);
    const profile = pathToFileURL(join(work, 'profile')).href;
    await new Promise<void>((resolve, reject) => {
      execFile(
        soffice,
        [
          `-env:UserInstallation=${profile}`,
          '--headless',
          '--invisible',
          '--nologo',
          '--nodefault',
          '--nolockcheck',
          '--norestore',
          '--convert-to',
          'pdf',
          '--outdir',
          out,
          input,
        ],
        {
          timeout: options.timeoutMs ?? DEFAULT_CONVERSION_TIMEOUT_MS,
          killSignal: 'SIGKILL',
          // Pas de HOME partagé : LibreOffice y écrirait son cache même avec un profil dédié.
          env: { ...process.env, HOME: work },
          maxBuffer: 1024 * 1024,
        },
        (error, _stdout, stderr) => {
          if (!error) return resolve();
          const timedOut = error.killed || error.signal === 'SIGKILL';
          reject(
            new AppError(
              'pdf_conversion_failed',
              {},
              timedOut
                ? 'La conversion en PDF a dépassé le délai autorisé : téléchargez le fichier PowerPoint ou réessayez plus tard.'
                : `La conversion en PDF par LibreOffice a échoué${stderr ? ` (${String(stderr).trim().slice(0, 200)})` : ''}.`,
            ),
          );
        },
      );
    });
    try {
      return readFileSync(join(out, 'document.pdf'));
    } catch {
      throw new AppError('pdf_conversion_failed', {}, 'LibreOffice n’a produit aucun PDF pour ce document.');
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pdfText } from '../../../test/helpers/documents.ts';
import { POSTER_CALL_TO_ACTION, qrPosterPdf } from './qr-poster.ts';

const URL_OF_POINT = 'https://vigie.example.gouv.fr/enquete/Zx81_abcDEF-0123456789abcdefGHIJ';

function hasPdftoppm(): boolean {
  return spawnSync('pdftoppm', ['-v']).error === undefined;
}

describe('affiche QR d’un point de collecte', () => {
  it('est un PDF A4 avec le bloc-marque, le titre, la phrase d’appel et l’adresse en clair', async () => {
    const pdf = await qrPosterPdf({ prefect: 'Préfet du Puy-de-Dôme', title: 'Votre accueil en préfecture', url: URL_OF_POINT });
    assert.equal(pdf.subarray(0, 4).toString('latin1'), '%PDF');
    assert.match(pdf.toString('latin1'), /\/MediaBox \[0 0 595\.28 841\.89\]/);
    const text = pdfText(pdf);
    assert.match(text, /Préfet du Puy-de-Dôme/);
    assert.match(text, /Votre accueil en préfecture/);
    assert.ok(text.includes(POSTER_CALL_TO_ACTION));
    // L'adresse peut être coupée en fin de ligne : on la cherche sans les retours à la ligne.
    assert.ok(text.replaceAll('\n', '').includes(URL_OF_POINT), 'adresse en clair absente');
  });

  it('se rend en une image non vide (pdftoppm, s’il est installé)', { skip: !hasPdftoppm() && 'pdftoppm absent' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-affiche-'));
    try {
      const pdfPath = join(dir, 'affiche.pdf');
      writeFileSync(pdfPath, await qrPosterPdf({ prefect: 'Préfet de la Corrèze', title: 'Enquête', url: URL_OF_POINT }));
      const result = spawnSync('pdftoppm', ['-png', '-r', '40', pdfPath, join(dir, 'page')]);
      assert.equal(result.status, 0, result.stderr?.toString());
      const images = readdirSync(dir).filter((f) => f.endsWith('.png'));
      assert.equal(images.length, 1, 'une seule page attendue');
      assert.ok(statSync(join(dir, images[0] ?? '')).size > 2000, 'image vide');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

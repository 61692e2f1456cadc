import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Forme du fichier `data/qualepref.json` (copie sourcée de shared/referentiel). */
export interface ReferentielFile {
  referentiel: { key: string; name: string; shortName: string; version: string; issuer: string };
  modules: {
    number: number;
    title: string;
    mandatory: 'always' | 'if_cert' | 'optional';
    scope?: string;
    sources?: string[];
  }[];
  engagements: {
    number: number;
    module: number;
    text: string;
    category?: string;
    source?: string;
    criteria: { number: string; text: string }[];
  }[];
  indicators: {
    key: string;
    code: string | null;
    label: string;
    module: number;
    engagements: number[];
    unit: string;
    direction: string;
    period: string;
    source: string;
    formula?: string;
  }[];
}

export function readReferentielFile(): { data: ReferentielFile; hash: string } {
  const text = readFileSync(new URL('./data/qualepref.json', import.meta.url), 'utf8');
  return { data: JSON.parse(text) as ReferentielFile, hash: createHash('sha256').update(text).digest('hex') };
}

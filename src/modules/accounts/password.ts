import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** Paramètres scrypt (RFC 7914) : ~50 ms par vérification sur la machine de référence, hors de la boucle. */
const COST = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password.normalize('NFC'), salt, KEY_LENGTH, COST);
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scrypt(password.normalize('NFC'), Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: COST.maxmem,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

const COMMON = ['motdepasse', 'password', 'azerty', 'qwerty', '123456', 'prefecture', 'bonjour', 'soleil', 'vigie'];

/** Règle de robustesse (recommandations ANSSI pour un mot de passe seul) : longueur avant complexité. */
export function passwordWeakness(password: string, email?: string): string | undefined {
  if (password.length < 12) return 'Au moins 12 caractères.';
  if (password.length > 200) return 'Au plus 200 caractères.';
  if (!/\p{L}/u.test(password) || !/[^\p{L}]/u.test(password)) {
    return 'Mélangez des lettres et au moins un chiffre ou un symbole.';
  }
  const lower = password.toLowerCase();
  if (COMMON.some((word) => lower.replace(/[^a-z0-9]/g, '').startsWith(word) && lower.length < 16)) {
    return 'Ce mot de passe est trop courant.';
  }
  const local = email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) return 'Le mot de passe ne doit pas contenir votre adresse.';
  if (/^(.)\1+$/.test(password)) return 'Ce mot de passe est trop prévisible.';
  return undefined;
}

/** Mot de passe provisoire lisible, communiqué une seule fois (création, réinitialisation). */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(18);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return `${out.slice(0, 6)}-${out.slice(6, 12)}-${out.slice(12, 18)}`;
}

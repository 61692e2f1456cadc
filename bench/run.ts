import '../src/shared/runtime-guard.ts';
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';

/** `npm run bench` : chaque fichier bench/*.bench.ts, dans un processus à part, l'un après l'autre. */
const files = process.argv.slice(2).length > 0 ? process.argv.slice(2) : globSync('bench/*.bench.ts').sort();
let failed = 0;
for (const file of files) {
  console.log(`\n== ${file}`);
  const result = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);

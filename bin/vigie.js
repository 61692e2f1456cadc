#!/usr/bin/env node
// Point d'entrée de la commande `vigie` (npx vigie …). Écrit en JavaScript pour pouvoir refuser
// clairement un Node trop ancien avant de charger le code TypeScript.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `Vigie nécessite Node.js 24 (version actuelle : ${process.versions.node}). Lancez-le via npm : « npx vigie … » ou « npm run vigie -- … ».\n`,
  );
  process.exit(1);
}
await import('../src/cli/main.ts');

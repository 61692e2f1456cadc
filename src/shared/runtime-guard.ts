// Vigie s'exécute sur le Node 24 fourni par le projet (dépendance `node`) : `npm start`, `npm test`
// et `npx vigie` le mettent en tête du PATH. Un autre Node échoue ici avec un message clair.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `Vigie nécessite Node.js 24 (version actuelle : ${process.versions.node}). Lancez-le via npm : « npm start », « npm test » ou « npx vigie … ».\n`,
  );
  process.exit(1);
}

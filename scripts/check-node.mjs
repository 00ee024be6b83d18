// Fails loudly when an npm script would run on a Node older than the Lambda runtime (nodejs22.x).
// npm puts node_modules/.bin (the pinned node@22 package) first on PATH; with --ignore-scripts the
// node package's install step is skipped and scripts silently fall back to the system Node.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `dr-autopilot needs Node >= 22.12 (Lambda runs nodejs22.x); this script runs on ${process.versions.node}.\n` +
      'Run `npm ci` without --ignore-scripts so the pinned node@22 package installs, or put Node 22 on PATH.\n',
  );
  process.exit(1);
}

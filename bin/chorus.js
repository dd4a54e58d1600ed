#!/usr/bin/env node
// The `chorus` command. It runs the compiled CLI in dist/ (built by `npm ci` / `npm install`, or
// `npm run build`), which starts in a fraction of the time the TypeScript loader needs. When a
// source file is newer than that build (an edit, a pull), it runs the TypeScript source through
// tsx instead, so the command never runs stale code.
const { existsSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const built = path.join(root, 'dist', 'scripts', 'chorus.js');

/** The newest modification time of a .ts file under the compiled folders (about 2 ms for the whole tree). */
function newestSource() {
  const { include } = require(path.join(root, 'tsconfig.build.json'));
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(file).mtimeMs);
    }
  };
  for (const dir of include) if (existsSync(path.join(root, dir))) walk(path.join(root, dir));
  return newest;
}

if (existsSync(built) && statSync(built).mtimeMs >= newestSource()) {
  require(built);
} else {
  if (existsSync(built) && process.stderr.isTTY)
    process.stderr.write(
      'chorus: the source is newer than dist/; running it through tsx (`npm run build` to start faster)\n',
    );
  require('tsx/cjs');
  require(path.join(root, 'scripts', 'chorus.ts'));
}

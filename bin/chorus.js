#!/usr/bin/env node
// The `chorus` command: the compiled CLI when built (npm run build), otherwise the TypeScript source through tsx.
const { existsSync } = require('node:fs');
const path = require('node:path');

const built = path.join(__dirname, '..', 'dist', 'scripts', 'chorus.js');
if (existsSync(built)) {
  require(built);
} else {
  require('tsx/cjs');
  require(path.join(__dirname, '..', 'scripts', 'chorus.ts'));
}

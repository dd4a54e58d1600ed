import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDb } from '../../db/database';
import { migrateToLatest } from '../../db/migrate';
import { ensureWebBuilt } from '../../scripts/web-build';
import { startDevServer } from '../../temporal/dev-server';
import { bundleWorkflows } from '../../workers/workflow-bundle';
import { adminDatabaseUrl, TestEnv } from './test-env';

/**
 * Once per test run: a real Temporal dev server (in memory, Chorus's search attributes registered),
 * a fresh PostgreSQL database migrated to the latest schema, and one workflow bundle for every
 * test worker.
 */
export default async function globalSetup(): Promise<void> {
  const [temporal, databaseUrl, bundlePath] = await Promise.all([
    startDevServer(),
    createTestDatabase(),
    writeWorkflowBundle(),
    // The browser tests load the built app; a fresh clone has none yet.
    ensureWebBuilt(),
  ]);
  process.env[TestEnv.temporalAddress] = temporal.address;
  process.env[TestEnv.databaseUrl] = databaseUrl;
  process.env[TestEnv.workflowBundle] = bundlePath;
  (globalThis as Record<string, unknown>).__chorusTestTeardown = async () => {
    await temporal.stop();
    await dropTestDatabase(databaseUrl);
  };
}

async function createTestDatabase(): Promise<string> {
  const admin = new pg.Client({ connectionString: adminDatabaseUrl() });
  await admin.connect();
  const name = `chorus_test_${Date.now()}_${process.pid}`;
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminDatabaseUrl());
  url.pathname = `/${name}`;
  const db = createDb(url.toString(), 2);
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  return url.toString();
}

async function dropTestDatabase(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminDatabaseUrl() });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
  } finally {
    await admin.end();
  }
}

async function writeWorkflowBundle(): Promise<string> {
  const code = await bundleWorkflows({ info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} });
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'chorus-bundle-')), 'workflows.js');
  writeFileSync(file, code);
  return file;
}

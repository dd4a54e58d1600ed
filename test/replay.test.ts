import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';

const HISTORIES = path.join(__dirname, 'histories');

/**
 * Every recorded workflow history must replay against today's workflow code. A change that would
 * break running workflows (non-determinism) fails here; guard such changes with `patched()`.
 * Record new histories with `RECORD_HISTORIES=1 npx jest test/publishing.test.ts test/approvals.test.ts`.
 */
describe('recorded histories replay on the current workflow code', () => {
  const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));

  test('there are recorded histories', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  test.each(files)('%s', async (file) => {
    const history = JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8'));
    await Worker.runReplayHistory({ workflowsPath: require.resolve('../workflows'), replayName: file }, history);
  });
});

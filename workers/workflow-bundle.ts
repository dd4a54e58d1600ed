import { existsSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type Logger, type WorkerOptions } from '@temporalio/worker';

/**
 * The workflows' code as one bundle (webpack), what a worker otherwise builds at every start.
 * `npm run build` writes it beside the compiled code (scripts/build-workflows.ts), as Temporal
 * advises for production: a worker started from `dist/` then neither loads webpack nor spends its
 * start bundling (about 140 MB less resident for the life of the process, docs/benchmarks.md).
 */
export async function bundleWorkflows(logger?: Logger): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger });
  return code;
}

/** Where the build puts it, relative to the compiled `workers/`: `dist/workflow-bundle.js`. */
const BUILT_BUNDLE = path.join(__dirname, '..', 'workflow-bundle.js');

/** The bundle built with this compiled code; none when running from the TypeScript source (the worker bundles at start). */
export function builtWorkflowBundle(): WorkerOptions['workflowBundle'] | undefined {
  return path.extname(__filename) === '.js' && existsSync(BUILT_BUNDLE) ? { codePath: BUILT_BUNDLE } : undefined;
}

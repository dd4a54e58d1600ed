import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflows } from '../workers/workflow-bundle';

/** `npm run build:server`'s last step: the workflows' bundle beside the compiled code (workers/workflow-bundle.ts). */
async function main() {
  const file = path.resolve('dist', 'workflow-bundle.js'); // npm runs it in the package's root
  const quiet = () => undefined;
  writeFileSync(
    file,
    await bundleWorkflows({
      log: quiet,
      trace: quiet,
      debug: quiet,
      info: quiet,
      warn: console.warn,
      error: console.error,
    }),
  );
  console.log(`Workflow bundle: ${path.relative(process.cwd(), file)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

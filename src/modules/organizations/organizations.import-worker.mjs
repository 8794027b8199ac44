// Entry of the bulk-import worker thread (see preparedBatches in organizations.io.ts). Worker
// threads do not inherit the tsx loader that the CLI, the server and vitest register, so the
// worker registers it before loading the TypeScript module.
import { register } from 'tsx/esm/api';

register();
const { runOrganizationImportWorker } = await import('./organizations.io.ts');
await runOrganizationImportWorker();

import type { App, ServerDeps } from './types.ts';
import { registerAccountsRoutes } from '../modules/accounts/accounts.routes.ts';
import { registerAuditRoutes } from '../modules/audit/audit.routes.ts';
import { registerReferenceRoutes } from '../modules/reference/reference.routes.ts';
import { registerOrganizationRoutes } from '../modules/organizations/organizations.routes.ts';
import { registerChainRoutes } from '../modules/chains/chains.routes.ts';
import { registerPostingRoutes } from '../modules/postings/postings.routes.ts';
import { registerMatchingRoutes } from '../modules/matching/matching.routes.ts';
import { registerDiagnosticsRoutes } from '../modules/diagnostics/diagnostics.routes.ts';
import { registerListRoutes } from '../modules/lists/lists.routes.ts';
import { registerSupplyRoutes } from '../modules/supply/supply.routes.ts';
import { registerAttachRoutes } from '../modules/attach/attach.routes.ts';

/** Every module's routes. A new module adds one line here. */
export const ROUTE_MODULES: Array<(app: App, deps: ServerDeps) => void> = [
  registerAccountsRoutes,
  registerAuditRoutes,
  registerReferenceRoutes,
  registerOrganizationRoutes,
  registerChainRoutes,
  registerPostingRoutes,
  registerMatchingRoutes,
  registerDiagnosticsRoutes,
  registerListRoutes,
  registerSupplyRoutes,
  registerAttachRoutes,
];

import type { Route } from '../../http/node-server.js';
import { jsonResponse } from '../../http/responses.js';
import { automationRoutes } from './automation-routes.js';
import { callbackRoutes } from './callback-routes.js';
import { dashboardRoutes } from './dashboard/dashboard-routes.js';
import { exampleRoutes } from './example-routes.js';
import { fleetRoutes } from './fleet-routes.js';
import { inferenceRoutes } from './inference-routes.js';
import { reportRoutes } from './report-routes.js';
import { type ControlPlaneDeps, endpointPath, publicRoute } from './route-kit.js';
import { taskQueryRoutes } from './task-query-routes.js';
import { uploadRoutes } from './upload-routes.js';
import { uploadUrlRoutes } from './upload-url-routes.js';
import { validateRoutes } from './validate-route.js';

/**
 * THE route table of the embedded control plane. Protocol paths come from the endpoint
 * settings, resolved against SERVER_URL exactly as the worker's client resolves them. The PUT
 * of signed upload URLs streams its body and is taken before this table (upload-receiver.ts).
 */
export function controlPlaneRoutes(deps: ControlPlaneDeps): Route[] {
  return [
    publicRoute(deps, { method: 'GET', path: endpointPath(deps.settings, deps.settings.HEALTH_ENDPOINT) }, async () =>
      jsonResponse(200, { status: 'healthy' }),
    ),
    ...inferenceRoutes(deps),
    ...reportRoutes(deps),
    ...uploadRoutes(deps),
    ...uploadUrlRoutes(deps),
    ...callbackRoutes(deps),
    ...taskQueryRoutes(deps),
    ...automationRoutes(deps),
    ...validateRoutes(deps),
    ...exampleRoutes(deps),
    ...fleetRoutes(deps),
    ...dashboardRoutes(deps),
  ];
}

import * as z from 'zod';
import type { Route } from '../../http/node-server.js';
import { parseJsonBody } from '../../http/parse-json-body.js';
import { jsonResponse } from '../../http/responses.js';
import { basePath, type ControlPlaneDeps, publicRoute } from './route-kit.js';

/** What an ECS worker posts at start-up (the original's fields). */
export const RegisterChildRequest = z.object({
  task_arn: z.string().min(1),
  private_ip: z.union([z.ipv4(), z.ipv6()]),
  port: z.number().int().min(1).max(65535),
});

/**
 * Master mode only. `POST /register_child` sits at the root of SERVER_URL, as the original's
 * workers post it, and carries no API key (the original sends none): the master must be
 * reachable only from the workers' network.
 */
export function fleetRoutes(deps: ControlPlaneDeps): Route[] {
  const dispatcher = deps.dispatcher;
  if (!dispatcher) return [];
  return [
    publicRoute(deps, { method: 'POST', path: basePath(deps.settings, '/register_child') }, async (event) => {
      const body = parseJsonBody(event, RegisterChildRequest);
      dispatcher.register(body);
      return jsonResponse(200, { success: true, message: 'Child registered' });
    }),
  ];
}

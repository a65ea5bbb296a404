import * as z from 'zod';
import { bakeDefaultOutputNames } from './bake-output-names.js';
import { NodeList, TypedNodeList } from './nodes.js';
import { Parameters } from './parameters.js';
import { nullOr } from './schema-helpers.js';

/** Interactions an RDP session can replay; other interaction kinds are refused at load. */
const RDP_INTERACTIONS = ['click_element', 'input_text', 'key_press', 'agentic_task'] as const;

export const AutomationSchema = z
  .object({
    /** First navigation target (may be about:blank). */
    url: z.string(),
    parameters: Parameters,
    // Required by the original's type, but its old-format migration step writes [] when the
    // key is absent, so an automation without nodes loads (and only opens `url`).
    nodes: NodeList.default(() => []),
    browser_channel: z.enum(['chromium', 'chrome', 'cloakbrowser', 'browser-use', 'rdp']).default('chromium'),
    backend: z.enum(['browser-use', 'computer-vision']).default('browser-use'),
    os_emulation: nullOr(z.enum(['windows', 'linux'])),
    allow_cookies: z.boolean().default(false),
    /** Total attempts = max_retries + 1. */
    max_retries: z.int().default(0),
    expected_downloads: z.int().default(0),
    remove_empty_nodes_in_axtree: z.boolean().default(true),
    reuse_page_if_already_on_url: z.boolean().default(false),
    take_final_screenshot: z.boolean().default(true),
    automation_description: nullOr(z.string()),
    automation_endpoint: nullOr(z.string()),
    post_processing_nodes: TypedNodeList.default(() => []),
  })
  .superRefine((automation, ctx) => {
    if (automation.browser_channel !== 'rdp') return;
    // Only top-level nodes, as in the original.
    automation.nodes.forEach((node, index) => {
      const interaction = node.type === 'action_node' ? node.interaction_action : null;
      if (interaction && RDP_INTERACTIONS.every((kind) => interaction[kind] === null)) {
        ctx.addIssue({
          code: 'custom',
          path: ['nodes', index, 'interaction_action'],
          message: `browser_channel "rdp" allows only ${RDP_INTERACTIONS.join(', ')} interactions`,
        });
      }
    });
  })
  .transform((automation) => {
    bakeDefaultOutputNames(automation);
    return automation;
  });
export type Automation = z.output<typeof AutomationSchema>;

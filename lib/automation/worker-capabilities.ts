import type { Settings } from '../config/settings.js';
import { DEFAULT_RECORDING_LIMITS, type RecordingLimits } from './limits/recording-limits.js';
import { PrivateNodeRegistry } from './private-nodes/private-node-registry.js';

/**
 * What this worker has been set up to run beyond the recording format itself. Acceptance refuses
 * what needs a capability it lacks, so such a task never reaches a browser.
 */
export type WorkerCapabilities = {
  /** ALLOW_CODE_STEPS: javascript_action steps run code from the recording. */
  allowCodeSteps: boolean;
  privateNodes: PrivateNodeRegistry;
  /** OP_SERVICE_ACCOUNT_TOKEN is set, so 1Password secure parameters can be resolved. */
  onePassword: boolean;
  /** MAX_RECORDING_NODES and MAX_LOOP_ITERATIONS; the defaults when absent. */
  limits?: RecordingLimits;
};

/** A worker with nothing extra: what `validate` checks against when no settings are given. */
export const BASE_CAPABILITIES: WorkerCapabilities = Object.freeze({
  allowCodeSteps: false,
  privateNodes: new PrivateNodeRegistry(),
  onePassword: false,
  limits: DEFAULT_RECORDING_LIMITS,
});

export function capabilitiesFromSettings(settings: Settings, privateNodes = new PrivateNodeRegistry()): WorkerCapabilities {
  return {
    allowCodeSteps: settings.ALLOW_CODE_STEPS,
    privateNodes,
    onePassword: settings.OP_SERVICE_ACCOUNT_TOKEN !== undefined,
    limits: { maxNodes: settings.MAX_RECORDING_NODES, maxLoopIterations: settings.MAX_LOOP_ITERATIONS },
  };
}

/**
 * Bounds on what one recording may ask of a worker. A recording is data from whoever may call
 * the API: without bounds, a million nodes or a loop over a million values ties up a browser
 * (and the acceptance check itself) for as long as they like.
 */
export type RecordingLimits = {
  /** Nodes in the whole recording, nested ones (loop bodies, if/else branches) included. */
  maxNodes: number;
  /** Iterations of one for_loop_node run; a recorded `max_iterations` above it is refused. */
  maxLoopIterations: number;
};

export const DEFAULT_RECORDING_LIMITS: RecordingLimits = Object.freeze({ maxNodes: 2000, maxLoopIterations: 10_000 });

/**
 * How deep containers may nest. Far above any real recording (they nest two or three levels);
 * it keeps the schema's recursive parse away from the stack limit.
 */
export const MAX_NODE_DEPTH = 64;

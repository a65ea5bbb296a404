import type { ApiCallExtraction } from '../../../schemas/automation/extraction-sub-actions.js';
import { parsePythonExpression } from '../../expressions/python-expression.js';
import { evaluatePythonExpression, isPythonTruthy } from '../../expressions/evaluate-python-expression.js';
import { bindResultPaths } from '../../expressions/poll-condition.js';
import type { RunState } from '../run-state.js';
import { sleep } from '../wait.js';

/** The result the original stores for an API call: the response, or what went wrong. */
export type ApiCallResult =
  | { status_code: number; headers: Record<string, string>; body: unknown }
  | { error: 'timeout' | 'http_error'; message: string; status_code: null; body: null; headers: Record<string, never> };

/**
 * One request as the original's make_api_request: redirects followed, a dict body sent as JSON,
 * the body parsed as JSON when it is JSON. Transport failures and timeouts become a result with
 * `error`, never an exception: the recording decides what to do with them.
 */
export async function requestOnce(action: ApiCallExtraction, signal?: AbortSignal): Promise<ApiCallResult> {
  const url = new URL(action.url);
  for (const [name, value] of Object.entries(action.query_params)) url.searchParams.append(name, value);
  const headers = new Headers(action.headers);
  let body: string | undefined;
  if (typeof action.body === 'string') body = action.body;
  else if (action.body !== null) {
    body = JSON.stringify(action.body);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  const timeout = AbortSignal.timeout(action.timeout * 1000);
  try {
    const response = await fetch(url, { method: action.method, headers, body, redirect: 'follow', signal: signal ? AbortSignal.any([timeout, signal]) : timeout });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: the original keeps the text.
    }
    return { status_code: response.status, headers: Object.fromEntries(response.headers), body: parsed };
  } catch (error) {
    if (signal?.aborted) throw error;
    const timedOut = timeout.aborted;
    const message = error instanceof Error ? (error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message) : String(error);
    return { error: timedOut ? 'timeout' : 'http_error', message: timedOut ? `no answer within ${action.timeout} s` : message, status_code: null, body: null, headers: {} };
  }
}

/** Whether the poll condition holds for `result`; one that cannot be evaluated counts as not met, as in the original. */
export function pollConditionMet(condition: string, result: ApiCallResult, onError: (error: unknown) => void): boolean {
  const { text, scope } = bindResultPaths(condition, result);
  try {
    return isPythonTruthy(evaluatePythonExpression(parsePythonExpression(text), scope));
  } catch (error) {
    onError(error);
    return false;
  }
}

/** api_call: the request, re-sent every poll_interval while poll_condition is false. */
export async function runApiCall(state: RunState, action: ApiCallExtraction, uniqueIdentifier: string | null): Promise<void> {
  let result = await requestOnce(action, state.signal);
  if (action.poll_condition !== null && !('error' in result)) {
    for (let attempt = 1; attempt < action.max_poll_attempts; attempt++) {
      const met = pollConditionMet(action.poll_condition, result, (error) =>
        state.logger.warn('poll condition could not be evaluated', { condition: action.poll_condition, error }),
      );
      if (met) break;
      await sleep(action.poll_interval * 1000, state.signal);
      result = await requestOnce(action, state.signal);
      if ('error' in result) break;
    }
  }
  state.logger.info('api call answered', { step_index: state.stepIndex, method: action.method, status_code: result.status_code });
  // A dict, not a list: later steps read it with {name.path}.
  for (const name of action.output_variable_names) state.generated[name] = result;
  state.outputData.push({ unique_identifier: uniqueIdentifier, json_data: result as unknown as Record<string, unknown> });
}

import { describe, expect, it } from 'vitest';
import { validateRecording } from '../validate-recording.js';
import { BASE_CAPABILITIES } from '../worker-capabilities.js';
import { fileNameProblem, requireFileName, uploadPathProblem } from './file-names.js';

const recording = (nodes: unknown[]) => ({ url: 'https://example.test/', parameters: { input_parameters: { ids: ['a'] }, generated_parameters: {} }, nodes });
const sleep = { type: 'action_node', misc_action: { sleep_action: { seconds: 0 } } };
const loop = (nodes: unknown[], extra: Record<string, unknown> = {}) => ({ type: 'for_loop_node', variable_name: 'ids', nodes, ...extra });
const limited = (maxNodes: number, maxLoopIterations = 10_000) => ({ ...BASE_CAPABILITIES, limits: { maxNodes, maxLoopIterations } });
const problemsOf = (raw: unknown, capabilities = BASE_CAPABILITIES) => {
  const result = validateRecording(raw, capabilities);
  return result.ok ? [] : result.problems;
};

describe('MAX_RECORDING_NODES', () => {
  it('counts nested nodes: loop bodies, reset nodes, both if branches, post-processing', () => {
    const ifElse = { type: 'if_else_node', condition: 'True', if_nodes: [sleep], else_nodes: [sleep] };
    const raw = { ...recording([loop([sleep, ifElse], { reset_nodes: [sleep] })]), post_processing_nodes: [sleep] };
    // loop, sleep, if, 2 branch sleeps, reset sleep, post-processing sleep: 7 nodes.
    expect(validateRecording(raw, limited(7)).ok).toBe(true);
    expect(problemsOf(raw, limited(6))).toEqual([{ path: 'nodes', message: expect.stringContaining('more than 6 nodes (nested ones included)') }]);
  });

  it('refuses a recording over the default of 2000 without parsing it', () => {
    const problems = problemsOf(recording(Array.from({ length: 2001 }, () => sleep)));
    expect(problems).toEqual([{ path: 'nodes', message: expect.stringContaining('MAX_RECORDING_NODES=2000') }]);
  });

  it('refuses nodes nested absurdly deep, naming where', () => {
    let nodes: unknown[] = [sleep];
    for (let depth = 0; depth < 100; depth++) nodes = [{ type: 'if_else_node', condition: 'True', if_nodes: nodes, else_nodes: [] }];
    const [problem] = problemsOf(recording(nodes));
    expect(problem?.message).toBe('nodes nested more than 64 deep');
    expect(problem?.path).toMatch(/^nodes\[0\](\.if_nodes\[0\])+$/);
  });
});

describe('MAX_LOOP_ITERATIONS', () => {
  it('refuses a max_iterations above the limit rather than capping it', () => {
    expect(validateRecording(recording([loop([sleep], { max_iterations: 10_000 })])).ok).toBe(true);
    expect(problemsOf(recording([loop([sleep], { max_iterations: 10_001 })]))).toEqual([
      { path: 'nodes[0].max_iterations', message: '10001 is above the limit of 10000 iterations (MAX_LOOP_ITERATIONS)' },
    ]);
    expect(problemsOf(recording([loop([sleep], { max_iterations: 6 })]), limited(100, 5))[0]?.path).toBe('nodes[0].max_iterations');
  });
});

describe('file names and paths written in a recording', () => {
  const click = (fields: Record<string, unknown>) => ({ type: 'action_node', interaction_action: { click_element: { command: 'get_by_role("button")', expect_download: true, ...fields } } });
  const pdf = (name: string) => ({ type: 'action_node', interaction_action: { download_url_as_pdf: { url: 'https://example.test/a.pdf', download_filename: name } } });
  const shot = (filename: string) => ({ type: 'action_node', extraction_action: { screenshot: { filename } } });
  const upload = (file_path: string) => ({ type: 'action_node', interaction_action: { upload_file: { command: 'get_by_label("File")', file_path } } });

  it.each([
    ['../../etc/cron.d/x', 'contains "/": a file name cannot name a folder'],
    ['/etc/passwd', 'contains "/": a file name cannot name a folder'],
    ['..\\..\\evil.exe', 'contains "\\": a file name cannot name a folder'],
    ['a\u0000.pdf', 'contains a NUL byte'],
    ['a\nb.pdf', 'contains a control character'],
    ['..', 'is ".."'],
  ])('refuses the name %j: %s', (name, message) => {
    const paths = ['nodes[0].interaction_action.click_element.download_filename', 'nodes[1].interaction_action.download_url_as_pdf.download_filename', 'nodes[2].extraction_action.screenshot.filename'];
    expect(problemsOf(recording([click({ download_filename: name }), pdf(name), shot(name)]))).toEqual(paths.map((path) => ({ path, message })));
  });

  it('accepts plain names and names filled from variables (checked again at the step)', () => {
    expect(validateRecording(recording([click({ download_filename: 'report {ids[0]}.csv' }), pdf('{ids[0]}'), shot('final')])).ok).toBe(true);
    expect(() => requireFileName('../x', 'nodes[0]: download_filename')).toThrow('nodes[0]: download_filename "../x" contains "/": a file name cannot name a folder');
    expect(requireFileName('ok.pdf', 'x')).toBe('ok.pdf');
  });

  it.each([
    ['../secret.txt', 'contains a ".." segment'],
    ['docs/../../etc/passwd', 'contains a ".." segment'],
    ['docs\\cv.pdf', 'contains "\\": use "/" between folders'],
    ['cv.pdf\u0000.png', 'contains a NUL byte'],
  ])('refuses the upload path %j: %s', (path, message) => {
    expect(problemsOf(recording([upload(path)]))).toEqual([{ path: 'nodes[0].interaction_action.upload_file.file_path', message }]);
  });

  it('leaves absolute upload paths and subfolders to the step, which confines them to UPLOAD_FILES_DIR', () => {
    expect(uploadPathProblem('/srv/uploads/cv.pdf')).toBeNull();
    expect(uploadPathProblem('candidates/{ids[0]}.pdf')).toBeNull();
    expect(fileNameProblem('{ids[0]}/x')).toBe('contains "/": a file name cannot name a folder');
  });
});

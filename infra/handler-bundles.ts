import { build, type Metafile } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCfnTemplate } from './cfn-yaml.js';

const ROOT = new URL('..', import.meta.url);
const TEMPLATE_PATH = new URL('template.yaml', ROOT);

/** The esbuild settings of one template function, as `sam build` reads them from its Metadata. */
export type HandlerBuild = {
  functionName: string;
  /** Serves a route of the HTTP API (an HttpApi event), rather than e.g. the queue's task runner. */
  api: boolean;
  entryPoint: string;
  format: 'esm' | 'cjs';
  target: string;
  minify: boolean;
  sourcemap: boolean;
  external: string[];
  outExtension: Record<string, string>;
};

type BuildProperties = {
  Format?: 'esm' | 'cjs';
  Target?: string;
  Minify?: boolean;
  Sourcemap?: boolean;
  External?: string[];
  OutExtension?: string[];
  EntryPoints?: string[];
};

/** Every `BuildMethod: esbuild` function of template.yaml with SAM's defaults filled in (Minify true, Sourcemap false, cjs). */
export function templateHandlerBuilds(templateText = readFileSync(TEMPLATE_PATH, 'utf8')): HandlerBuild[] {
  const template = parseCfnTemplate(templateText);
  const builds: HandlerBuild[] = [];
  for (const [functionName, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Serverless::Function' || resource.Metadata?.['BuildMethod'] !== 'esbuild') continue;
    const props = (resource.Metadata['BuildProperties'] ?? {}) as BuildProperties;
    const events = Object.values((resource.Properties?.['Events'] ?? {}) as Record<string, { Type?: string }>);
    const api = events.some((event) => event.Type === 'HttpApi');
    for (const entryPoint of props.EntryPoints ?? []) {
      builds.push({
        functionName,
        api,
        entryPoint,
        format: props.Format ?? 'cjs',
        target: props.Target ?? 'es2020',
        minify: props.Minify ?? true,
        sourcemap: props.Sourcemap ?? false,
        external: props.External ?? [],
        outExtension: Object.fromEntries((props.OutExtension ?? []).map((pair) => pair.split('=') as [string, string])),
      });
    }
  }
  return builds;
}

export type BuiltHandler = { build: HandlerBuild; outfile: string; bytes: number; metafile: Metafile };

/** Bundles one handler into `outdir` the way `sam build` does (bundle, platform node). */
export async function buildHandler(handler: HandlerBuild, outdir: string): Promise<BuiltHandler> {
  const result = await build({
    absWorkingDir: new URL('.', ROOT).pathname,
    entryPoints: [handler.entryPoint],
    outdir: join(outdir, handler.functionName),
    bundle: true,
    platform: 'node',
    target: handler.target,
    format: handler.format,
    minify: handler.minify,
    sourcemap: handler.sourcemap,
    external: handler.external,
    outExtension: handler.outExtension,
    metafile: true,
    write: true,
    logLevel: 'silent',
  });
  const [outfile, output] = Object.entries(result.metafile.outputs).find(([path]) => !path.endsWith('.map')) ?? [];
  if (!outfile || !output) throw new Error(`esbuild wrote no output for ${handler.entryPoint}`);
  return { build: handler, outfile: join(new URL('.', ROOT).pathname, outfile), bytes: output.bytes, metafile: result.metafile };
}

/** The npm packages a bundle contains (from the metafile's input paths). */
export function bundledPackages(metafile: Metafile): string[] {
  const names = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    if (match?.[1]) names.add(match[1]);
  }
  return [...names].sort();
}

import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCfnTemplate, type CfnTemplate } from './cfn-yaml.js';

const TEMPLATE_PATH = new URL('../template.yaml', import.meta.url).pathname;
const template: CfnTemplate = parseCfnTemplate(readFileSync(TEMPLATE_PATH, 'utf8'));
const resources = template.Resources;
const parameters = template.Parameters ?? {};
const conditions = template.Conditions ?? {};

/**
 * Logical ids SAM's transform adds, which the template may refer to: the execution role
 * `{Function}Role` of each AWS::Serverless::Function that names no Role of its own.
 */
const samGenerated = new Set(
  Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Serverless::Function' && r.Properties?.['Role'] === undefined)
    .map(([name]) => `${name}Role`),
);

/**
 * Resource types the template may use. A new type is added here on purpose, after checking its
 * properties: a typo such as AWS::ECS::TaskDefiniton would otherwise reach `sam deploy`.
 */
const KNOWN_TYPES = new Set([
  'AWS::Serverless::Function',
  'AWS::Serverless::HttpApi',
  'AWS::Serverless::LayerVersion',
  'AWS::SQS::Queue',
  'AWS::ECS::Cluster',
  'AWS::ECS::TaskDefinition',
  'AWS::ECS::Service',
  'AWS::Logs::LogGroup',
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::ApplicationAutoScaling::ScalableTarget',
  'AWS::ApplicationAutoScaling::ScalingPolicy',
  'AWS::CloudWatch::Alarm',
]);

/** Actions that have no resource-level permissions, so "*" is the only Resource AWS accepts. */
const RESOURCE_STAR_ONLY_ACTIONS = new Set(['ecr:GetAuthorizationToken']);

const PSEUDO_PARAMETERS = new Set(['AWS::AccountId', 'AWS::NoValue', 'AWS::NotificationARNs', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);

type Reference = { kind: 'Ref' | 'GetAtt' | 'Sub' | 'Condition'; target: string; where: string };

/** Every reference below `value`: Ref, GetAtt, ${…} of Sub strings, conditions named by If/Condition. */
function references(value: unknown, where: string, found: Reference[] = []): Reference[] {
  if (Array.isArray(value)) value.forEach((item, i) => references(item, `${where}[${i}]`, found));
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') found.push({ kind: 'Ref', target: inner, where });
      else if (key === 'Fn::GetAtt' && Array.isArray(inner)) found.push({ kind: 'GetAtt', target: String(inner[0]), where });
      else if (key === 'Condition' && typeof inner === 'string') found.push({ kind: 'Condition', target: inner, where });
      else if (key === 'Fn::If' && Array.isArray(inner)) found.push({ kind: 'Condition', target: String(inner[0]), where });
      if (key === 'Fn::Sub') {
        const [text, vars] = Array.isArray(inner) ? [inner[0], inner[1] as Record<string, unknown>] : [inner, {}];
        for (const match of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const name = (match[1] ?? '').split('.')[0] ?? '';
          if (!(name in (vars ?? {}))) found.push({ kind: 'Sub', target: name, where });
        }
      }
      references(inner, `${where}.${key}`, found);
    }
  }
  return found;
}

type Statement = { Effect?: string; Action?: string | string[]; Resource?: unknown };

/** IAM statements of inline role/policy documents, with the branches of Fn::If flattened. */
function policyStatements(): { where: string; statement: Statement }[] {
  const out: { where: string; statement: Statement }[] = [];
  const add = (where: string, list: unknown): void => {
    for (const item of Array.isArray(list) ? list : [list]) {
      if (item && typeof item === 'object' && 'Fn::If' in item) {
        const [, yes, no] = (item as { 'Fn::If': unknown[] })['Fn::If'];
        for (const branch of [yes, no]) if (branch && typeof branch === 'object' && !('Ref' in branch)) add(where, branch);
      } else if (item && typeof item === 'object') out.push({ where, statement: item as Statement });
    }
  };
  for (const [name, resource] of Object.entries(resources)) {
    const props = resource.Properties ?? {};
    const documents: unknown[] = [];
    if (resource.Type === 'AWS::IAM::Role') for (const policy of (props['Policies'] as { PolicyDocument: unknown }[] | undefined) ?? []) documents.push(policy.PolicyDocument);
    if (resource.Type === 'AWS::IAM::Policy') documents.push(props['PolicyDocument']);
    for (const document of documents) add(name, (document as { Statement?: unknown }).Statement);
  }
  return out;
}

function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

describe('template.yaml', () => {
  it('uses only known resource types', () => {
    const unknown = Object.entries(resources).filter(([, r]) => !KNOWN_TYPES.has(r.Type)).map(([name, r]) => `${name}: ${r.Type}`);
    expect(unknown).toEqual([]);
  });

  it('refers only to parameters, resources and conditions that exist', () => {
    const all = [
      ...references(resources, 'Resources'),
      ...references(template.Outputs ?? {}, 'Outputs'),
      ...references(template.Globals ?? {}, 'Globals'),
      ...references(conditions, 'Conditions'),
      ...references(template.Rules ?? {}, 'Rules'),
      ...Object.entries(resources).flatMap(([name, r]) => (r.Condition ? [{ kind: 'Condition' as const, target: r.Condition, where: name }] : [])),
      ...Object.entries(template.Outputs ?? {}).flatMap(([name, o]) => (o.Condition ? [{ kind: 'Condition' as const, target: o.Condition, where: name }] : [])),
    ];
    const missing = all.filter(({ kind, target }) => {
      if (kind === 'Condition') return !(target in conditions);
      if (kind === 'GetAtt') return !(target in resources);
      return !(target in resources || samGenerated.has(target) || target in parameters || PSEUDO_PARAMETERS.has(target));
    });
    expect(missing.map(({ kind, target, where }) => `${kind} ${target} at ${where}`)).toEqual([]);
  });

  it('refers to a conditional resource only from resources and outputs under the same condition', () => {
    const problems: string[] = [];
    const check = (name: string, condition: string | undefined, value: unknown): void => {
      for (const ref of references(value, name)) {
        const target = resources[ref.target];
        if (ref.kind === 'Condition' || !target?.Condition) continue;
        if (target.Condition !== condition) problems.push(`${name} (${condition ?? 'always'}) refers to ${ref.target} (${target.Condition})`);
      }
    };
    for (const [name, r] of Object.entries(resources)) check(name, r.Condition, r.Properties);
    for (const [name, o] of Object.entries(template.Outputs ?? {})) check(name, o.Condition, o.Value);
    expect(problems).toEqual([]);
  });

  it('grants no wildcard actions, and "*" resources only to actions that have no other form', () => {
    const problems: string[] = [];
    for (const { where, statement } of policyStatements()) {
      const actions = asList(statement.Action);
      for (const action of actions) if (action.includes('*')) problems.push(`${where}: action ${action}`);
      if (asList(statement.Resource as string | string[]).includes('*') && !actions.every((a) => RESOURCE_STAR_ONLY_ACTIONS.has(a))) {
        problems.push(`${where}: Resource "*" for ${actions.join(', ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives each SQS-triggered function a queue whose visibility timeout is at least 6× its timeout', () => {
    // AWS's advice for Lambda event sources: a shorter visibility timeout lets a message that
    // is still being processed be delivered again.
    const globalTimeout = Number(template.Globals?.Function?.['Timeout'] ?? 3);
    const problems: string[] = [];
    for (const [name, r] of Object.entries(resources)) {
      if (r.Type !== 'AWS::Serverless::Function') continue;
      const timeout = Number(r.Properties?.['Timeout'] ?? globalTimeout);
      for (const event of Object.values((r.Properties?.['Events'] ?? {}) as Record<string, { Type: string; Properties?: { Queue?: unknown } }>)) {
        if (event.Type !== 'SQS') continue;
        const queueRef = references(event.Properties?.Queue, name).find((ref) => ref.kind === 'GetAtt' || ref.kind === 'Ref');
        const queue = queueRef ? resources[queueRef.target] : undefined;
        if (!queue) continue; // a queue from outside the stack: its settings are not here to check
        const visibility = Number(queue.Properties?.['VisibilityTimeout'] ?? 30);
        if (visibility < 6 * timeout) problems.push(`${queueRef?.target} visibility ${visibility}s < 6 × ${name} timeout ${timeout}s`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives the model settings to the task runner only, and leaves an unset key unset rather than empty', () => {
    const runner = (resources['RunTaskFunction']?.Properties?.['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(runner['LLM_MODEL']).toEqual({ Ref: 'LlmModel' });
    expect(runner['LLM_MODEL_API_KEY']).toEqual({ 'Fn::If': ['HasLlmKey', { Ref: 'LlmModelApiKey' }, { Ref: 'AWS::NoValue' }] });
    expect(template.Parameters?.['LlmModelApiKey']).toMatchObject({ NoEcho: true, Default: '' });
    const apiFunctions = Object.entries(resources).filter(([name, r]) => r.Type === 'AWS::Serverless::Function' && name !== 'RunTaskFunction');
    const withModelKey = apiFunctions.filter(([, r]) => JSON.stringify(r.Properties?.['Environment'] ?? {}).includes('LlmModelApiKey'));
    expect(withModelKey).toEqual([]);
    expect(JSON.stringify(template.Globals)).not.toContain('LlmModel');
  });

  describe('ECS worker fleet', () => {
    const ecs = Object.entries(resources).filter(([, r]) => r.Type.startsWith('AWS::ECS::') || r.Type.startsWith('AWS::ApplicationAutoScaling::'));
    const taskDefinition = resources['EcsWorkerTaskDefinition']?.Properties ?? {};
    const [container] = (taskDefinition['ContainerDefinitions'] ?? []) as Record<string, unknown>[];

    it('is deployed only with DeployEcsFleet=true (default false)', () => {
      expect(parameters['DeployEcsFleet']?.Default).toBe('false');
      expect(ecs.length).toBeGreaterThan(0);
      expect(ecs.filter(([, r]) => r.Condition !== 'DeployEcs').map(([name]) => name)).toEqual([]);
    });

    it('runs the worker behind an init process, on port 9000, with the API key from Secrets Manager', () => {
      expect(taskDefinition['RequiresCompatibilities']).toEqual(['FARGATE']);
      expect(container?.['PortMappings']).toEqual([{ ContainerPort: 9000, Protocol: 'tcp' }]);
      expect((container?.['LinuxParameters'] as Record<string, unknown>)['InitProcessEnabled']).toBe(true);
      const plain = (container?.['Environment'] as { Name?: string; Value?: unknown }[]).filter((e) => e.Name !== undefined);
      const environment = Object.fromEntries(plain.map((e) => [e.Name, e.Value]));
      expect(environment).toMatchObject({ DEPLOYMENT: 'prod', SERVER_URL: { Ref: 'ServerUrl' }, LLM_MODEL: { Ref: 'LlmModel' } });
      expect(environment).not.toHaveProperty('API_KEY');
      expect(container?.['Secrets']).toEqual([
        { Name: 'API_KEY', ValueFrom: { Ref: 'ApiKeySecretArn' } },
        { 'Fn::If': ['EcsHasLlmKey', { Name: 'LLM_MODEL_API_KEY', ValueFrom: { Ref: 'LlmModelApiKeySecretArn' } }, { Ref: 'AWS::NoValue' }] },
      ]);
    });

    it('lets the worker only switch task protection of tasks in its own cluster', () => {
      const statements = policyStatements().filter(({ where }) => where === 'EcsWorkerTaskRole');
      expect(statements.map(({ statement }) => statement.Action)).toEqual(['ecs:UpdateTaskProtection']);
      expect(statements[0]?.statement.Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task/${EcsCluster}/*' });
    });

    it('scales the service by target tracking', () => {
      const target = resources['EcsWorkerScalableTarget']?.Properties ?? {};
      expect(target['ScalableDimension']).toBe('ecs:service:DesiredCount');
      const policy = resources['EcsWorkerCpuScaling']?.Properties ?? {};
      expect(policy['PolicyType']).toBe('TargetTrackingScaling');
      expect(policy['ScalingTargetId']).toEqual({ Ref: 'EcsWorkerScalableTarget' });
    });
  });

  // cfn-lint (the CloudFormation linter, Python) validates every resource's properties against
  // the AWS resource schemas, SAM included, offline. It is not an npm package; where it is not
  // installed this check is skipped and the structural checks above still run.
  const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  it.skipIf(cfnLint.status !== 0)('passes cfn-lint', () => {
    let output = '';
    try {
      execFileSync('cfn-lint', ['--format', 'parseable', TEMPLATE_PATH], { encoding: 'utf8', timeout: 120_000 });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  }, 180_000);
});

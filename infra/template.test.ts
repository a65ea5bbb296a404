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

/** The values `value` can take: both branches of an Fn::If, without AWS::NoValue. */
function branches(value: unknown): unknown[] {
  if (value && typeof value === 'object' && 'Fn::If' in value) {
    const [, yes, no] = (value as { 'Fn::If': unknown[] })['Fn::If'];
    return [yes, no].flatMap(branches);
  }
  if (value && typeof value === 'object' && (value as { Ref?: unknown }).Ref === 'AWS::NoValue') return [];
  return [value];
}

/** The IAM role a function runs with: its own Role, or the `{Function}Role` SAM generates. */
function roleOf(functionName: string): string {
  const role = resources[functionName]?.Properties?.['Role'];
  const target = references(role, functionName).find((ref) => ref.kind === 'GetAtt' || ref.kind === 'Ref')?.target;
  return target ?? `${functionName}Role`;
}

/**
 * IAM statements of inline role/policy documents and of functions' inline Policies, with the
 * branches of Fn::If flattened; `roles` are the roles that receive each (a function's inline
 * statements go to the role SAM generates for it).
 */
function policyStatements(): { where: string; roles: string[]; statement: Statement }[] {
  const out: { where: string; roles: string[]; statement: Statement }[] = [];
  for (const [name, resource] of Object.entries(resources)) {
    const props = resource.Properties ?? {};
    let documents: unknown[] = [];
    let roles: string[] = [];
    if (resource.Type === 'AWS::IAM::Role') {
      documents = asList(props['Policies'] as unknown[] | undefined).flatMap(branches).map((policy) => (policy as { PolicyDocument?: unknown }).PolicyDocument);
      roles = [name];
    } else if (resource.Type === 'AWS::IAM::Policy') {
      documents = [props['PolicyDocument']];
      roles = references(props['Roles'], name).map((ref) => ref.target);
    } else if (resource.Type === 'AWS::Serverless::Function') {
      documents = asList(props['Policies'] as unknown[] | undefined).flatMap(branches).filter((policy) => policy && typeof policy === 'object' && 'Statement' in policy);
      roles = [roleOf(name)];
    }
    for (const document of documents) {
      for (const item of asList((document as { Statement?: unknown } | undefined)?.Statement).flatMap(branches)) {
        if (item && typeof item === 'object') out.push({ where: name, roles, statement: item as Statement });
      }
    }
  }
  return out;
}

/** The actions of `service` (e.g. `sqs`) that a function's role is allowed, sorted. */
function allowedActions(functionName: string, service: string): string[] {
  const role = roleOf(functionName);
  const actions = policyStatements()
    .filter(({ roles, statement }) => roles.includes(role) && statement.Effect === 'Allow')
    .flatMap(({ statement }) => asList(statement.Action))
    .filter((action) => action.startsWith(`${service}:`));
  return [...new Set(actions)].sort();
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

  describe('Lambda functions', () => {
    const functions = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Serverless::Function');
    const apiFunctions = functions.filter(([, r]) => Object.values((r.Properties?.['Events'] ?? {}) as Record<string, { Type: string }>).some((e) => e.Type === 'HttpApi'));
    const sqsEvents = functions.flatMap(([name, r]) =>
      Object.values((r.Properties?.['Events'] ?? {}) as Record<string, { Type: string; Properties?: Record<string, unknown> }>)
        .filter((e) => e.Type === 'SQS')
        .map((e) => ({ name, properties: e.Properties ?? {} })),
    );

    it('run on nodejs22.x', () => {
      expect(template.Globals?.Function?.['Runtime']).toBe('nodejs22.x');
      expect(functions.filter(([, r]) => (r.Properties?.['Runtime'] ?? 'nodejs22.x') !== 'nodejs22.x').map(([name]) => name)).toEqual([]);
    });

    it('are each built by esbuild from their own entry point, the one their Handler names', () => {
      const problems: string[] = [];
      const seen = new Map<string, string>();
      for (const [name, r] of functions) {
        const metadata = (r.Metadata ?? {}) as { BuildMethod?: string; BuildProperties?: { EntryPoints?: string[] } };
        if (metadata.BuildMethod !== 'esbuild') problems.push(`${name}: BuildMethod ${metadata.BuildMethod}`);
        const entryPoints = metadata.BuildProperties?.EntryPoints ?? [];
        if (entryPoints.length !== 1) problems.push(`${name}: EntryPoints ${JSON.stringify(entryPoints)}`);
        const [entry = ''] = entryPoints;
        if (seen.has(entry)) problems.push(`${name}: entry point ${entry} also used by ${seen.get(entry)}`);
        seen.set(entry, name);
        // sam build names the bundle after the entry point; Handler must point into it.
        const expected = `${entry.replace(/^.*\//, '').replace(/\.ts$/, '')}.handler`;
        if (r.Properties?.['Handler'] !== expected) problems.push(`${name}: Handler ${String(r.Properties?.['Handler'])}, entry point ${entry}`);
      }
      expect(problems).toEqual([]);
      expect(functions.length).toBeGreaterThan(1);
    });

    it('take the task queue one message at a time and report partial batch failures', () => {
      expect(sqsEvents.map(({ name }) => name)).toEqual(['RunTaskFunction']);
      for (const { properties } of sqsEvents) {
        expect(properties['BatchSize']).toBe(1);
        expect(properties['FunctionResponseTypes']).toEqual(['ReportBatchItemFailures']);
      }
    });

    it('keep a message that keeps failing in a dead-letter queue', () => {
      for (const { name, properties } of sqsEvents) {
        const queueName = references(properties['Queue'], name).find((ref) => ref.kind === 'GetAtt')?.target ?? '';
        const redrive = resources[queueName]?.Properties?.['RedrivePolicy'] as { deadLetterTargetArn?: unknown; maxReceiveCount?: number } | undefined;
        expect(redrive, `${queueName} RedrivePolicy`).toBeDefined();
        const deadLetter = references(redrive?.deadLetterTargetArn, queueName).find((ref) => ref.kind === 'GetAtt')?.target ?? '';
        expect(deadLetter).not.toBe(queueName);
        expect(resources[deadLetter]?.Type).toBe('AWS::SQS::Queue');
        expect(redrive?.maxReceiveCount).toBeGreaterThanOrEqual(1);
      }
    });

    // SAM concatenates a function's list with the Globals one, so an Architectures in Globals
    // would leave no way to pin one function to another architecture.
    it('name their architecture themselves: the API functions the parameter, the Chromium layer\'s users x86_64', () => {
      expect(template.Globals?.Function).not.toHaveProperty('Architectures');
      for (const [name] of apiFunctions) expect(resources[name]?.Properties?.['Architectures'], name).toEqual([{ Ref: 'Architecture' }]);
      const layerArchitectures = resources['ChromiumLayer']?.Properties?.['CompatibleArchitectures'];
      expect(layerArchitectures).toEqual(['x86_64']);
      const layerUsers = functions.filter(([, r]) => references(r.Properties?.['Layers'], 'Layers').some((ref) => ref.target === 'ChromiumLayer'));
      expect(layerUsers.map(([name]) => name)).toEqual(['RunTaskFunction']);
      for (const [name, r] of layerUsers) expect(r.Properties?.['Architectures'], name).toEqual(layerArchitectures);
    });

    it('grant inline statements only, so every permission is visible to these checks', () => {
      // A SAM policy template (SQSPollerPolicy, …) or a managed policy ARN hides its actions.
      const opaque = functions.flatMap(([name, r]) =>
        asList(r.Properties?.['Policies'] as unknown[] | undefined)
          .flatMap(branches)
          .filter((policy) => !(policy && typeof policy === 'object' && 'Statement' in policy))
          .map((policy) => `${name}: ${JSON.stringify(policy)}`),
      );
      expect(opaque).toEqual([]);
    });

    it('give each function exactly the SQS actions it calls, on the task queue only', () => {
      // sqs-runtime.ts: submitInference/allocateTasks send, health reads the queue's attributes;
      // the event source of the task runner receives, deletes and reads the attributes.
      const expected: Record<string, string[]> = {
        InferenceFunction: ['sqs:SendMessage'],
        AllocateTaskFunction: ['sqs:SendMessage'],
        HealthFunction: ['sqs:GetQueueAttributes'],
        RunTaskFunction: ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
      };
      const actual = Object.fromEntries(functions.map(([name]) => [name, allowedActions(name, 'sqs')]));
      expect(actual).toEqual(Object.fromEntries(functions.map(([name]) => [name, expected[name] ?? []])));
      const sqsResources = policyStatements()
        .filter(({ statement }) => asList(statement.Action).some((action) => action.startsWith('sqs:')))
        .map(({ statement }) => statement.Resource);
      expect(sqsResources.length).toBeGreaterThan(0);
      for (const resource of sqsResources) expect(resource).toEqual({ 'Fn::GetAtt': ['TaskQueue', 'Arn'] });
    });

    it('run an SQS-triggered function with a role of the template, not the one SAM generates', () => {
      // For an SQS event SAM adds AWSLambdaSQSQueueExecutionRole to its generated role: receive
      // and delete on every queue of the account.
      for (const { name } of sqsEvents) {
        expect(resources[name]?.Properties?.['Role'], name).toBeDefined();
        expect(resources[roleOf(name)]?.Type).toBe('AWS::IAM::Role');
      }
    });

    it('let only the task runner read Secrets Manager, and only the secrets named at deploy time', () => {
      const readers = functions.filter(([name]) => allowedActions(name, 'secretsmanager').length > 0).map(([name]) => name);
      expect(readers).toEqual(['RunTaskFunction']);
      const statements = policyStatements().filter(({ roles, statement }) => roles.includes(roleOf('RunTaskFunction')) && asList(statement.Action).includes('secretsmanager:GetSecretValue'));
      expect(statements.map(({ statement }) => statement.Resource)).toEqual([{ Ref: 'TaskSecretArns' }]);
    });
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

import { parse, type ScalarTag, type CollectionTag, YAMLMap, YAMLSeq } from 'yaml';

/**
 * Parses a CloudFormation/SAM YAML template into its JSON form: `!Ref X` → `{ Ref: X }`,
 * `!GetAtt A.B` → `{ 'Fn::GetAtt': ['A', 'B'] }`, `!If [...]` → `{ 'Fn::If': [...] }`, … A plain
 * YAML parser refuses these tags, and dropping them would hide the references the checks follow.
 */
const FUNCTIONS = ['And', 'Base64', 'Cidr', 'Equals', 'FindInMap', 'GetAZs', 'If', 'ImportValue', 'Join', 'Not', 'Or', 'Select', 'Split', 'Sub', 'Transform', 'Contains'];

function key(name: string): string {
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

function tagsFor(name: string): (ScalarTag | CollectionTag)[] {
  const wrap = (value: unknown): unknown => {
    if (name === 'GetAtt' && typeof value === 'string') {
      const dot = value.indexOf('.');
      return { 'Fn::GetAtt': [value.slice(0, dot), value.slice(dot + 1)] };
    }
    return { [key(name)]: value };
  };
  return [
    { tag: `!${name}`, resolve: (text: string) => wrap(text) },
    { tag: `!${name}`, collection: 'seq', resolve: (seq) => wrap((seq as YAMLSeq).toJSON()) as never },
    { tag: `!${name}`, collection: 'map', resolve: (map) => wrap((map as YAMLMap).toJSON()) as never },
  ];
}

const CUSTOM_TAGS = ['Ref', 'Condition', 'GetAtt', ...FUNCTIONS].flatMap(tagsFor);

export type CfnTemplate = {
  Parameters?: Record<string, { Type: string; Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Rules?: Record<string, unknown>;
  Globals?: { Function?: Record<string, unknown> };
  Resources: Record<string, { Type: string; Condition?: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;
  Outputs?: Record<string, { Condition?: string; Value: unknown }>;
};

export function parseCfnTemplate(text: string): CfnTemplate {
  return parse(text, { customTags: CUSTOM_TAGS }) as CfnTemplate;
}

/**
 * Read-only queries over a synthesized template that `aws-cdk-lib/assertions` does not offer:
 * every IAM statement that reaches a role (whichever policy resource carries it) and the
 * dependency graph, to prove there is no cycle.
 */
import type { Template } from 'aws-cdk-lib/assertions';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Metadata?: Record<string, unknown>;
}

/** Resources of a type, by logical id. */
export function resourcesOfType(template: Template, type: string): Record<string, CfnResource> {
  return template.findResources(type) as Record<string, CfnResource>;
}

/** The only resource of a type; fails if there is not exactly one. */
export function onlyResource(template: Template, type: string): [string, CfnResource] {
  const entries = Object.entries(resourcesOfType(template, type));
  if (entries.length !== 1) throw new Error(`expected one ${type}, found ${entries.length}`);
  return entries[0] as [string, CfnResource];
}

/** An IAM statement reduced to what it allows: sorted actions and resources. */
export interface Grant {
  readonly effect: string;
  readonly actions: string[];
  readonly resources: unknown[];
}

/**
 * Every statement granted to a role: its inline `Policies` and every `AWS::IAM::Policy` that
 * lists it, sorted so a test can compare the whole set with `toEqual`.
 */
export function grantsOfRole(template: Template, roleLogicalId: string): Grant[] {
  const role = template.toJSON().Resources[roleLogicalId] as CfnResource;
  const documents: unknown[] = [];
  for (const inline of (role.Properties?.Policies as { PolicyDocument: unknown }[]) ?? []) {
    documents.push(inline.PolicyDocument);
  }
  for (const policy of Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))) {
    const roles = (policy.Properties?.Roles as { Ref?: string }[]) ?? [];
    if (roles.some((ref) => ref.Ref === roleLogicalId))
      documents.push(policy.Properties?.PolicyDocument);
  }
  const grants = documents.flatMap((document) =>
    ((document as { Statement: Record<string, unknown>[] }).Statement ?? []).map((statement) => ({
      effect: String(statement.Effect),
      actions: toArray(statement.Action).map(String).sort(),
      resources: toArray(statement.Resource),
    })),
  );
  return grants.sort((a, b) => a.actions.join().localeCompare(b.actions.join()));
}

function toArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/**
 * A dependency cycle (Ref, Fn::GetAtt, Fn::Sub and DependsOn edges) as a list of logical ids, or
 * undefined. CloudFormation refuses a template with a cycle; CDK's synth does not notice.
 */
export function findDependencyCycle(template: Template): string[] | undefined {
  const resources = template.toJSON().Resources as Record<string, CfnResource>;
  const edges = new Map<string, Set<string>>();
  for (const [id, resource] of Object.entries(resources)) {
    const targets = new Set<string>();
    collectReferences(resource.Properties, targets);
    for (const dependency of toArray(resource.DependsOn)) targets.add(String(dependency));
    edges.set(id, new Set([...targets].filter((target) => target in resources && target !== id)));
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const next of edges.get(id) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}

function collectReferences(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectReferences(item, into);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'Ref' && typeof inner === 'string') into.add(inner);
    else if (key === 'Fn::GetAtt' && Array.isArray(inner)) into.add(String(inner[0]));
    else if (key === 'Fn::Sub') {
      const text = Array.isArray(inner) ? String(inner[0]) : String(inner);
      for (const match of text.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[^}]*)?\}/g))
        into.add(match[1] ?? '');
      if (Array.isArray(inner)) collectReferences(inner[1], into);
    } else collectReferences(inner, into);
  }
}

/** A function's environment variables; fails if the function or its environment is missing. */
export function environmentOf(
  template: Template,
  functionLogicalId: string,
): Record<string, unknown> {
  const fn = resourcesOfType(template, 'AWS::Lambda::Function')[functionLogicalId];
  const environment = fn?.Properties?.Environment as
    | { Variables?: Record<string, unknown> }
    | undefined;
  if (!environment?.Variables) throw new Error(`no environment on ${functionLogicalId}`);
  return environment.Variables;
}

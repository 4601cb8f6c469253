/**
 * The architecture's boxes are constructs of their own (issue 12), but the repository's stack was
 * deployed before they existed: a resource whose logical id changes is replaced by CloudFormation
 * (a new, empty user pool). So the box constructs are marked *transparent*, and
 * `PasswordResetStack` allocates every logical id from the construct path without them, exactly
 * as CDK would have for the flat stack. In a user's own app the boxes are ordinary constructs.
 */
import { createHash } from 'node:crypto';
import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

const transparent = new WeakSet<IConstruct>();

/** Marks a wrapper construct whose id the repository's stack leaves out of logical ids. */
export function markTransparent(construct: IConstruct): void {
  transparent.add(construct);
}

/** Whether {@link markTransparent} marked the construct. */
export function isTransparent(construct: IConstruct): boolean {
  return transparent.has(construct);
}

/**
 * CDK's own logical id algorithm (`makeUniqueId` in aws-cdk-lib core, not exported): `Default`
 * components dropped, a single component used as is, otherwise the human-readable components
 * (without `Resource` and repeats) followed by the first 8 hex digits of the path's MD5.
 *
 * @example
 * logicalIdOf(['UserPool', 'Resource']) // 'UserPool6BA7E5F2'
 */
export function logicalIdOf(path: readonly string[]): string {
  const components = path.filter((id) => id !== 'Default');
  if (components.length === 0) throw new Error('no components to make a logical id of');
  const alphanumeric = (id: string) => id.replace(/[^A-Za-z0-9]/g, '');
  if (components.length === 1) {
    const candidate = alphanumeric(components[0] as string);
    if (candidate.length <= 255) return candidate;
  }
  const hash = createHash('md5').update(components.join('/')).digest('hex').slice(0, 8);
  const human: string[] = [];
  for (const id of components) {
    if (human.length === 0 || !(human[human.length - 1] as string).endsWith(id)) human.push(id);
  }
  return (
    human
      .filter((id) => id !== 'Resource')
      .map(alphanumeric)
      .join('')
      .slice(0, 240) + hash.toUpperCase()
  );
}

/**
 * The construct found by a path of ids under `root` in which transparent constructs are skipped
 * (the path the flat stack had), or `undefined`.
 */
export function findByFlatPath(root: IConstruct, path: string): IConstruct | undefined {
  let current: IConstruct | undefined = root;
  for (const id of path.split('/')) {
    if (current === undefined) return undefined;
    current = flatChild(current, id);
  }
  return current;
}

function flatChild(parent: IConstruct, id: string): IConstruct | undefined {
  for (const child of parent.node.children) {
    if (isTransparent(child)) {
      const found = flatChild(child, id);
      if (found) return found;
    } else if (child.node.id === id) {
      return child;
    }
  }
  return undefined;
}

/**
 * The construct's path below its stack as the flat stack had it (transparent constructs left
 * out): what the acknowledgements and the tests name constructs by.
 *
 * @example
 * flatPathOf(stack.api) // 'Api'
 */
export function flatPathOf(construct: IConstruct): string {
  const scopes = construct.node.scopes;
  const stackIndex = scopes.findIndex((scope) => Stack.isStack(scope));
  return scopes
    .slice(stackIndex + 1)
    .filter((scope) => !isTransparent(scope))
    .map((scope) => scope.node.id)
    .join('/');
}

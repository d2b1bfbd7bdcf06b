/**
 * Hostile YAML for the loaders: random text, random documents, and valid files with one field
 * changed, removed or added (deep inside, where a loader's checks are thinnest).
 */
import { stringify } from 'yaml';
import { fc } from './fuzz-settings.js';

type Tree = unknown;

/** Every path to a value inside `tree` (objects and arrays), the root included. */
function pathsOf(tree: Tree, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(tree)) tree.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (tree !== null && typeof tree === 'object')
    for (const [k, v] of Object.entries(tree)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

/** A copy of `tree` with the value at `path` replaced (`undefined`: removed). */
function replaced(tree: Tree, path: readonly (string | number)[], value: unknown): Tree {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(tree)) {
    // A new key beside an array element: arrays have no named fields to add.
    if (typeof head !== 'number') return tree;
    const copy = [...tree];
    if (value === undefined && rest.length === 0) copy.splice(head as number, 1);
    else copy[head] = replaced(copy[head], rest, value);
    return copy;
  }
  const copy = { ...(tree as Record<string, unknown>) };
  if (value === undefined && rest.length === 0) delete copy[head as string];
  else copy[head as string] = replaced(copy[head as string], rest, value);
  return copy;
}

/** Values a field may wrongly hold. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(undefined, null, '', -1, 0, 1e308, -1e-308, Number.NaN, Infinity, 'NaN', '0x10', true, [], {}),
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double(),
);

/** `valid` (a parsed file) with one to three fields changed, removed or added, as YAML text. */
export function mutatedDocument(valid: Tree): fc.Arbitrary<string> {
  const paths = pathsOf(valid);
  const change = fc.tuple(fc.constantFrom(...paths), oddValue, fc.option(fc.string({ minLength: 1, maxLength: 12 })));
  return fc.array(change, { minLength: 1, maxLength: 3 }).map((changes) => {
    let tree = valid;
    for (const [path, value, newKey] of changes) {
      // A new key beside the field, or the field itself changed.
      tree = replaced(tree, newKey === null ? path : [...path.slice(0, -1), newKey], value);
    }
    return stringify(tree ?? null);
  });
}

/** Random YAML: text, random documents, YAML-ish syntax with anchors, tags and flow collections. */
export const randomYaml: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => stringify(v)),
  fc
    .array(
      fc.constantFrom(
        'a: ',
        '- ',
        '&x ',
        '*x',
        '!!binary ',
        '!!str ',
        '{',
        '}',
        '[',
        ']',
        ', ',
        '\n',
        '  ',
        ': ',
        '? ',
        '"',
        "'",
        '|',
        '>',
        '#',
        '<<: *x',
        '~',
        '.inf',
        '0o7',
        '1e9999',
        '---\n',
        '...\n',
        'k',
      ),
      { maxLength: 40 },
    )
    .map((parts) => parts.join('')),
);

/**
 * Import-boundary check: import cycles, layer rules and codec purity over the TypeScript sources.
 *
 * Plain JavaScript with no dependencies, so it runs before anything is installed or built:
 *
 *     node scripts/check-boundaries.mjs [ROOT_DIR]
 *
 * Exits 0 and prints a one-line summary when the tree is clean, 1 with one line per violation otherwise.
 * Every import counts, type-only and dynamic ones included: a cycle through types is still a cycle of
 * modules, and a type import still ties one layer to another.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The top-level source folders that are scanned, each one a layer. */
export const LAYERS = Object.freeze([
  'cli',
  'hal',
  'reflex',
  'cortex',
  'comms',
  'config',
  'messages',
  'time',
  'simulator',
]);

/**
 * Which layers each layer may import from; `'*'` allows anything. A layer not listed here may import
 * only itself.
 */
export const ALLOWED_IMPORTS = Object.freeze({
  messages: ['messages'],
  time: ['time'],
  config: ['config', 'messages', 'time'],
  hal: ['hal', 'config', 'messages', 'time'],
  reflex: ['reflex', 'hal', 'config', 'messages', 'time'],
  cortex: ['cortex', 'config', 'messages', 'time'],
  comms: ['comms', 'config', 'messages', 'time'],
  simulator: ['simulator', 'config', 'messages', 'time'],
  cli: ['*'],
});

const TRANSPORT_CONTRACT_FILES = new Set(['api.ts', 'protocol.ts', 'transport-error.ts']);

/**
 * @typedef {'static' | 'type' | 'side-effect' | 're-export' | 'dynamic'} ImportKind
 *
 * @typedef {object} ImportRecord One import found in a source file.
 * @property {string} specifier The module specifier exactly as written.
 * @property {ImportKind} kind
 * @property {number} line 1-based line of the specifier.
 *
 * @typedef {object} Violation
 * @property {string} file Importing file, relative to the root, `/`-separated.
 * @property {number} line
 * @property {string} specifier
 * @property {string | null} target Resolved file relative to the root, or null for a package or `node:` module.
 * @property {'layer' | 'simulator-hal' | 'codec-purity' | 'outside-root'} rule
 * @property {string} message Why the import is not allowed.
 *
 * @typedef {object} UnresolvedImport A relative import whose file does not exist (reported, not a failure).
 * @property {string} file
 * @property {number} line
 * @property {string} specifier
 *
 * @typedef {object} BoundaryReport
 * @property {number} files Source files scanned.
 * @property {number} imports Imports found in them (relative and package imports).
 * @property {string[][]} cycles One cycle per strongly connected group of files, as a path that ends
 *   where it starts (`['a.ts', 'b.ts', 'a.ts']`).
 * @property {Violation[]} violations
 * @property {UnresolvedImport[]} unresolved
 * @property {boolean} ok True when there is no cycle and no violation.
 *
 * @typedef {object} CheckOptions
 * @property {readonly string[]} [layers] Top-level folders to scan (default: {@link LAYERS}).
 */

/**
 * Scans `rootDir` and checks every import of every non-test `.ts` file under the layer folders.
 *
 * @param {string} rootDir Repository root (the folder that holds `hal/`, `cortex/`, ...).
 * @param {CheckOptions} [options]
 * @returns {BoundaryReport}
 */
export function checkBoundaries(rootDir, options = {}) {
  const root = path.resolve(rootDir);
  const layers = options.layers ?? LAYERS;
  const files = layers.flatMap((layer) => listSourceFiles(root, layer));

  /** @type {Map<string, string[]>} */
  const graph = new Map();
  /** @type {Violation[]} */
  const violations = [];
  /** @type {UnresolvedImport[]} */
  const unresolved = [];
  let importCount = 0;

  for (const file of files) {
    const source = readFileSync(path.join(root, file), 'utf8');
    const imports = extractImports(source);
    importCount += imports.length;
    /** @type {string[]} */
    const edges = [];
    for (const record of imports) {
      const relative = record.specifier.startsWith('./') || record.specifier.startsWith('../');
      let target = null;
      if (relative) {
        target = resolveRelative(root, file, record.specifier);
        if (target.startsWith('../')) {
          violations.push({
            file,
            line: record.line,
            specifier: record.specifier,
            target,
            rule: 'outside-root',
            message: 'imports a file outside the repository',
          });
          continue;
        }
        if (existsSync(path.join(root, target))) {
          if (target.endsWith('.ts')) edges.push(target);
        } else {
          unresolved.push({ file, line: record.line, specifier: record.specifier });
        }
      }
      for (const found of ruleViolations(file, target, record.specifier)) {
        violations.push({ file, line: record.line, specifier: record.specifier, target, ...found });
      }
    }
    graph.set(file, [...new Set(edges)]);
  }

  const cycles = findCycles(graph);
  return {
    files: files.length,
    imports: importCount,
    cycles,
    violations,
    unresolved,
    ok: cycles.length === 0 && violations.length === 0,
  };
}

/**
 * Renders a report as the lines the command prints: one per cycle and per violation, or the summary.
 *
 * @param {BoundaryReport} report
 * @returns {string[]}
 */
export function formatReport(report) {
  const lines = report.unresolved.map((u) => `warning: ${u.file}:${u.line} → ${u.specifier}: no such file (skipped)`);
  if (report.ok) {
    lines.push(`boundaries: ${report.files} files, ${report.imports} imports, no cycles, no violations`);
    return lines;
  }
  for (const cycle of report.cycles) lines.push(`cycle: ${cycle.join(' → ')}`);
  for (const v of report.violations) {
    const resolved = v.target !== null && v.target !== v.specifier ? ` (${v.target})` : '';
    lines.push(`${v.file}:${v.line} → ${v.specifier}${resolved}: [${v.rule}] ${v.message}`);
  }
  lines.push(
    `boundaries: ${report.files} files, ${report.imports} imports, ` +
      `${report.cycles.length} cycle(s), ${report.violations.length} violation(s)`,
  );
  return lines;
}

/**
 * The rules one import breaks (usually none).
 *
 * @param {string} file importing file, relative to the root
 * @param {string | null} target resolved relative import, or null for a package / `node:` module
 * @param {string} specifier
 * @returns {{ rule: Violation['rule'], message: string }[]}
 */
function ruleViolations(file, target, specifier) {
  /** @type {{ rule: Violation['rule'], message: string }[]} */
  const found = [];
  if (isCodecFile(file)) {
    if (target === null) {
      const what = specifier.startsWith('node:') ? 'a node: module' : 'a package';
      found.push({ rule: 'codec-purity', message: `a codec imports only other codec files, not ${what}` });
    } else if (!isCodecFile(target)) {
      found.push({ rule: 'codec-purity', message: 'a codec imports only other codec files' });
    }
  }
  if (target === null) return found;

  const fromLayer = topFolder(file);
  const toLayer = topFolder(target);
  const allowed = ALLOWED_IMPORTS[fromLayer] ?? [fromLayer];
  if (allowed.includes('*') || allowed.includes(toLayer)) return found;

  if (fromLayer === 'simulator' && toLayer === 'hal') {
    if (!isSimulatorVisibleHalFile(target)) {
      found.push({
        rule: 'simulator-hal',
        message:
          'simulator/ may import from hal/ only codec files (codec.ts, *-codec.ts), params.ts, ' +
          'and hal/transport/**/{api,protocol,transport-error}.ts',
      });
    }
    return found;
  }
  found.push({ rule: 'layer', message: `${fromLayer}/ may import only ${allowed.join(', ')}` });
  return found;
}

/** @param {string} file */
function isCodecFile(file) {
  const base = path.posix.basename(file);
  return base === 'codec.ts' || base.endsWith('-codec.ts');
}

/** @param {string} target a `hal/...` path */
function isSimulatorVisibleHalFile(target) {
  const base = path.posix.basename(target);
  if (isCodecFile(target) || base === 'params.ts') return true;
  return target.startsWith('hal/transport/') && TRANSPORT_CONTRACT_FILES.has(base);
}

/** @param {string} file */
function topFolder(file) {
  const slash = file.indexOf('/');
  return slash === -1 ? '' : file.slice(0, slash);
}

/**
 * Non-test `.ts` files under `root/layer`, relative to `root`, `/`-separated, sorted.
 *
 * @param {string} root
 * @param {string} layer
 * @returns {string[]}
 */
function listSourceFiles(root, layer) {
  const start = path.join(root, layer);
  if (!existsSync(start) || !statSync(start).isDirectory()) return [];
  /** @type {string[]} */
  const out = [];
  /** @param {string} dir @param {string} rel */
  const walk = (dir, rel) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const entryRel = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), entryRel);
      else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(entryRel);
    }
  };
  walk(start, layer);
  return out.sort();
}

/**
 * Resolves a relative specifier the way NodeNext does for TypeScript sources: `x.js` → `x.ts`,
 * `x.mjs` → `x.mts`; a specifier without a known extension tries `.ts` and `/index.ts`.
 *
 * @param {string} root
 * @param {string} fromFile relative to root
 * @param {string} specifier starts with `./` or `../`
 * @returns {string} relative to root, `/`-separated (starts with `../` when it leaves the root)
 */
function resolveRelative(root, fromFile, specifier) {
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), specifier));
  const candidates = [];
  if (joined.endsWith('.js')) candidates.push(`${joined.slice(0, -3)}.ts`);
  else if (joined.endsWith('.mjs')) candidates.push(`${joined.slice(0, -4)}.mts`);
  else if (joined.endsWith('.cjs')) candidates.push(`${joined.slice(0, -4)}.cts`);
  else if (!/\.[a-z]+$/i.test(joined)) candidates.push(`${joined}.ts`, `${joined}/index.ts`);
  candidates.push(joined);
  return candidates.find((c) => !c.startsWith('../') && existsSync(path.join(root, c))) ?? candidates[0];
}

/**
 * Finds import cycles: one cycle per strongly connected group of files (Tarjan), plus self-imports.
 *
 * @param {Map<string, string[]>} graph file → files it imports (only files that are themselves scanned
 *   take part)
 * @returns {string[][]}
 */
function findCycles(graph) {
  /** @type {Map<string, number>} */
  const index = new Map();
  /** @type {Map<string, number>} */
  const low = new Map();
  /** @type {Set<string>} */
  const onStack = new Set();
  /** @type {string[]} */
  const stack = [];
  /** @type {string[][]} */
  const components = [];
  let counter = 0;

  const successors = (node) => (graph.get(node) ?? []).filter((n) => graph.has(n));

  // Iterative Tarjan, so a deep import chain cannot overflow the call stack.
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    /** @type {{ node: string, next: number }[]} */
    const work = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter);
    counter += 1;
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const next = successors(frame.node);
      if (frame.next < next.length) {
        const child = next[frame.next];
        frame.next += 1;
        if (!index.has(child)) {
          index.set(child, counter);
          low.set(child, counter);
          counter += 1;
          stack.push(child);
          onStack.add(child);
          work.push({ node: child, next: 0 });
        } else if (onStack.has(child)) {
          low.set(frame.node, Math.min(low.get(frame.node), index.get(child)));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) {
        low.set(parent.node, Math.min(low.get(parent.node), low.get(frame.node)));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        /** @type {string[]} */
        const component = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component);
      }
    }
  }

  /** @type {string[][]} */
  const cycles = [];
  for (const component of components) {
    if (component.length === 1) {
      const only = component[0];
      if (successors(only).includes(only)) cycles.push([only, only]);
      continue;
    }
    const members = new Set(component);
    const first = [...component].sort()[0];
    cycles.push(pathBack(first, members, successors));
  }
  return cycles.sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
}

/**
 * A shortest import path from `start` back to itself, staying inside one strongly connected group.
 *
 * @param {string} start
 * @param {Set<string>} members
 * @param {(node: string) => string[]} successors
 * @returns {string[]}
 */
function pathBack(start, members, successors) {
  /** @type {Map<string, string>} */
  const cameFrom = new Map();
  const queue = [start];
  for (let head = 0; head < queue.length; head += 1) {
    const node = queue[head];
    for (const next of successors(node)) {
      if (!members.has(next)) continue;
      if (next === start) {
        const route = [start];
        for (let at = node; at !== start; at = cameFrom.get(at)) route.splice(1, 0, at);
        route.push(start);
        return route;
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

/**
 * Extracts the imports of a TypeScript module: `import ... from`, `import type ... from`, side-effect
 * `import '...'`, `export ... from`, and `import('...')` with a literal specifier. Comments, strings,
 * template literals and regular expressions are skipped, so text that only looks like an import is not
 * taken for one.
 *
 * @param {string} source
 * @returns {ImportRecord[]}
 */
export function extractImports(source) {
  const tokens = tokenize(source);
  /** @type {ImportRecord[]} */
  const found = [];
  const at = (i) => tokens[i];
  const isWord = (i, word) => at(i)?.type === 'word' && at(i)?.value === word;
  const isPunct = (i, p) => at(i)?.type === 'punct' && at(i)?.value === p;
  const isString = (i) => at(i)?.type === 'string';
  const record = (i, kind) => {
    const token = at(i);
    found.push({ specifier: token.value, kind, line: token.line });
  };
  /** Index of the string after the `from` that ends this clause, or -1. */
  const fromClause = (i) => {
    for (let j = i; j < tokens.length; j += 1) {
      if (isPunct(j, ';') || isWord(j, 'import') || isWord(j, 'export')) return -1;
      if (isWord(j, 'from') && isString(j + 1)) return j + 1;
    }
    return -1;
  };

  for (let i = 0; i < tokens.length; i += 1) {
    const token = at(i);
    if (token.type !== 'word' || isPunct(i - 1, '.')) continue;
    if (token.value === 'import') {
      if (isPunct(i + 1, '(')) {
        if (isString(i + 2) && (isPunct(i + 3, ')') || isPunct(i + 3, ','))) record(i + 2, 'dynamic');
      } else if (isString(i + 1)) {
        record(i + 1, 'side-effect');
      } else if (at(i + 1)?.type === 'word' || isPunct(i + 1, '{') || isPunct(i + 1, '*')) {
        const spec = fromClause(i + 1);
        if (spec !== -1) {
          const typeOnly = isWord(i + 1, 'type') && !isWord(i + 2, 'from') && !isPunct(i + 2, ',');
          record(spec, typeOnly ? 'type' : 'static');
          i = spec;
        }
      }
    } else if (token.value === 'export') {
      const clause = isWord(i + 1, 'type') ? i + 2 : i + 1;
      if (isPunct(clause, '*') || isPunct(clause, '{')) {
        const spec = fromClause(clause);
        if (spec !== -1) {
          record(spec, 're-export');
          i = spec;
        }
      }
    }
  }
  return found;
}

/**
 * @typedef {object} Token
 * @property {'word' | 'punct' | 'string' | 'other'} type
 * @property {string} value For a string, its contents (escapes left as written).
 * @property {number} line
 */

const KEYWORDS_BEFORE_EXPRESSION = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

/**
 * Splits TypeScript source into the tokens the import scan needs. Template literals with no
 * substitution become strings (so ``import(`./x.js`)`` is found); templates with substitutions, numbers
 * and regular expressions become `other`.
 *
 * @param {string} source
 * @returns {Token[]}
 */
function tokenize(source) {
  /** @type {Token[]} */
  const tokens = [];
  let line = 1;
  let i = 0;
  /** Brace depth at which each open template substitution `${` resumes its template. */
  /** @type {number[]} */
  const templateStack = [];
  let braceDepth = 0;

  const push = (type, value, atLine) => tokens.push({ type, value, line: atLine });
  const countLines = (from, to) => {
    for (let k = from; k < to; k += 1) if (source.charCodeAt(k) === 10) line += 1;
  };
  const regexAllowed = () => {
    const prev = tokens[tokens.length - 1];
    if (!prev) return true;
    if (prev.type === 'word') return KEYWORDS_BEFORE_EXPRESSION.has(prev.value);
    if (prev.type === 'string' || prev.type === 'other') return false;
    return ![')', ']', '}'].includes(prev.value);
  };
  /** Scans a template body from `i` (just after `` ` `` or `}`); returns whether it ended with `${`. */
  const scanTemplate = (fresh, startLine) => {
    const start = i;
    while (i < source.length) {
      const c = source[i];
      if (c === '\\') {
        i += 2;
      } else if (c === '`') {
        countLines(start, i);
        if (fresh) push('string', source.slice(start, i), startLine);
        else push('other', '`', startLine);
        i += 1;
        return false;
      } else if (c === '$' && source[i + 1] === '{') {
        countLines(start, i);
        push('other', '`', startLine);
        i += 2;
        templateStack.push(braceDepth);
        braceDepth += 1;
        return true;
      } else {
        i += 1;
      }
    }
    countLines(start, i);
    return false;
  };

  while (i < source.length) {
    const c = source[i];
    if (c === '\n') {
      line += 1;
      i += 1;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\uFEFF') {
      i += 1;
    } else if (c === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') i += 1;
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      countLines(i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      const start = i + 1;
      const startLine = line;
      i = start;
      while (i < source.length && source[i] !== c && source[i] !== '\n') i += source[i] === '\\' ? 2 : 1;
      push('string', source.slice(start, i), startLine);
      countLines(start, i);
      if (source[i] === c) i += 1;
    } else if (c === '`') {
      i += 1;
      scanTemplate(true, line);
    } else if (c === '/' && regexAllowed()) {
      const startLine = line;
      let inClass = false;
      i += 1;
      while (i < source.length && source[i] !== '\n') {
        const r = source[i];
        if (r === '/' && !inClass) break;
        if (r === '[') inClass = true;
        else if (r === ']') inClass = false;
        i += r === '\\' ? 2 : 1;
      }
      i += 1;
      while (i < source.length && /[A-Za-z]/.test(source[i])) i += 1;
      push('other', '/regex/', startLine);
    } else if (/[A-Za-z_$]/.test(c)) {
      const start = i;
      while (i < source.length && /[A-Za-z0-9_$]/.test(source[i])) i += 1;
      push('word', source.slice(start, i), line);
    } else if (/[0-9]/.test(c)) {
      while (i < source.length && /[0-9A-Za-z_.]/.test(source[i])) i += 1;
      push('other', '0', line);
    } else if (c === '{') {
      braceDepth += 1;
      push('punct', c, line);
      i += 1;
    } else if (c === '}') {
      braceDepth -= 1;
      i += 1;
      if (templateStack.length > 0 && templateStack[templateStack.length - 1] === braceDepth) {
        templateStack.pop();
        scanTemplate(false, line);
      } else {
        push('punct', c, line);
      }
    } else if (c === '.' && source[i + 1] === '.' && source[i + 2] === '.') {
      push('punct', '...', line);
      i += 3;
    } else {
      push('punct', c, line);
      i += 1;
    }
  }
  return tokens;
}

/** Runs the check from the command line: `node scripts/check-boundaries.mjs [ROOT_DIR]`. */
function main() {
  const defaultRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const report = checkBoundaries(process.argv[2] ?? defaultRoot);
  const lines = formatReport(report);
  if (report.ok) {
    for (const l of lines) console.log(l);
  } else {
    for (const l of lines) console.error(l);
    process.exitCode = 1;
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) main();

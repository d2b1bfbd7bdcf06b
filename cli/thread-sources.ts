/** The threads spinal runs besides the main one; each starts from its own entry (`cli/threads/`). */
export type ThreadRole = 'cortex' | 'comms' | 'world';

/** Where a thread's code comes from: its own entry file, or (in a bundle) its bundled code. */
export type ThreadSource = { readonly file: URL } | { readonly code: string };

/**
 * The entry of each worker thread: `cli/threads/<role>-thread.js` beside this module, so that each
 * thread loads only its own code. The bundler (scripts/bundle.mjs) replaces this module with one
 * that returns each thread's bundled code, so a bundle needs no other file on disk.
 */
export function threadSource(role: ThreadRole): ThreadSource {
  return { file: new URL(`./threads/${role}-thread.js`, import.meta.url) };
}

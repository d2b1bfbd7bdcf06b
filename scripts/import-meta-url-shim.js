/**
 * Injected into the CommonJS bundle: `import.meta.url` is defined as `importMetaUrl`, the file URL of
 * the bundle itself, so modules that locate their own file (workers started from it) keep working.
 */
export const importMetaUrl = require('node:url').pathToFileURL(__filename).href;

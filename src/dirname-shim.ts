/**
 * ssh2's poly1305 module (emscripten output, bundled by ncc) reads the CommonJS global `__dirname`, which an
 * ES module bundle does not have: without this, loading it rejects and the action crashes. Import this
 * module before anything that pulls in ssh2 (node-ssh). The value is never used to read files: the wasm is
 * inlined.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const scope = globalThis as { __dirname?: string };
scope.__dirname ??= dirname(fileURLToPath(import.meta.url));

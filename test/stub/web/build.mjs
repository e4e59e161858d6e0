// Builds the stub's web UI into dist/. No dependencies, so `npm install && npm run build`
// (or bun) works offline; the Go binary embeds dist/, so this must run before `go build`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), 'dist');
mkdirSync(dist, { recursive: true });

// The generated file sits in the repository's lint scope; it runs in a browser.
const script = `/* global fetch, document */
fetch('/api/status')
  .then((r) => r.json())
  .then((s) => {
    document.getElementById('version').textContent = s.data.version;
    document.getElementById('setup').textContent = s.data.setup ? 'initialised' : 'not initialised';
  })
  .catch(() => {
    document.getElementById('version').textContent = 'unreachable';
  });
`;

const index = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>New API</title>
    <link rel="stylesheet" href="/assets/index.css" />
  </head>
  <body>
    <main>
      <h1>New API</h1>
      <p>Test bed stub. Version: <span id="version">…</span>, system: <span id="setup">…</span>.</p>
    </main>
    <script src="/assets/index.js"></script>
  </body>
</html>
`;

mkdirSync(join(dist, 'assets'), { recursive: true });
writeFileSync(join(dist, 'index.html'), index);
writeFileSync(join(dist, 'assets', 'index.js'), script);
writeFileSync(join(dist, 'assets', 'index.css'), 'body { font-family: sans-serif; margin: 2rem; }\n');
console.log(`web UI built in ${dist}`);

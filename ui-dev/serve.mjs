// DEV ONLY: the kiosk UI in a plain browser over a mock backend, without the Rust app.
//   node ui-dev/serve.mjs [port]      (default 8765, this computer only)
//   open http://127.0.0.1:8765/?screen=pin   (query options: top of ui-dev/mock-tauri.js)
// Serves ui/ exactly as the app embeds it, with the app's CSP (tauri.conf.json), except that
// index.html gets two scripts from this folder first: mock-tauri.js (a fake window.__TAURI__)
// and jump.js (?screen=...). They are served under /__dev/ and never ship.

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const uiDir = join(root, 'ui');
const DEV = '/__dev/';
const DEV_FILES = new Set(['mock-tauri.js', 'jump.js']);
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** index.html with the mock and the screen jumper loaded before js/main.js. */
export function previewPage(indexHtml) {
  const main = '<script type="module" src="js/main.js"></script>';
  const at = indexHtml.indexOf(main);
  if (at < 0) throw new Error('ui/index.html no longer loads js/main.js as expected');
  const dev = `<script src="${DEV}mock-tauri.js"></script>\n  <script type="module" src="${DEV}jump.js"></script>\n  `;
  return indexHtml.slice(0, at) + dev + indexHtml.slice(at);
}

/** The CSP of tauri.conf.json as a header, so the preview refuses what the app refuses. */
export function cspHeader(conf) {
  const csp = conf.app.security.csp;
  return Object.entries(csp).map(([k, v]) => `${k} ${v}`).join('; ');
}

/** The file a request path stands for, or null when it lies outside what may be served. */
export function fileFor(urlPath) {
  const path = decodeURIComponent(urlPath.split('?')[0]);
  if (path.startsWith(DEV)) {
    const name = path.slice(DEV.length);
    return DEV_FILES.has(name) ? join(here, name) : null;
  }
  const file = resolve(uiDir, '.' + (path === '/' ? '/index.html' : path));
  return file.startsWith(uiDir + sep) ? file : null;
}

async function serve(port) {
  const conf = JSON.parse(await readFile(join(root, 'tauri.conf.json'), 'utf8'));
  const csp = cspHeader(conf);
  const server = createServer(async (req, res) => {
    try {
      const file = fileFor(req.url || '/');
      if (!file) throw new Error('not served');
      let body = await readFile(file);
      if (file === join(uiDir, 'index.html')) body = previewPage(body.toString('utf8'));
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] || 'application/octet-stream',
        'content-security-policy': csp,
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  server.listen(port, '127.0.0.1', () => {
    console.log(`UI preview on http://127.0.0.1:${port}/  (e.g. ?screen=pin, ?lang=nl, ?kiosk=1)`);
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
  serve(Number(process.argv[2]) || 8765);
}

/**
 * GET /docs: Swagger UI from the swagger-ui-dist package in node_modules (no CDN: the page works on a host without
 * internet access), pointed at /openapi.json. Its URLs are relative, so the page works behind a proxy's path prefix,
 * and "Try it out" goes to the document's server, `/api2/json` of this gateway.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Reply } from '../server';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Proxmox API through pvecli serve</title>
<link rel="stylesheet" href="docs/swagger-ui.css">
<link rel="icon" type="image/png" href="docs/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/init.js"></script>
</body>
</html>
`;

// Collapsed: PVE has ~700 operations, which the page takes seconds to draw open; no validator badge, which would call swagger.io. A file of its own rather than inline, so a Content-Security-Policy without 'unsafe-inline' still allows it.
const INIT = `window.ui = SwaggerUIBundle({ url: new URL('openapi.json', location.href).href, dom_id: '#swagger-ui', deepLinking: true, docExpansion: 'none', filter: true, validatorUrl: null });\n`;

/** The package's files the page uses, by the name under /docs/. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const page = (body: string | Buffer, type: string): Reply => ({ status: 200, raw: Buffer.from(body), headers: { 'Content-Type': type } });

/** The /docs handler: undefined for paths that are not its own. Files are read once, on first ask. */
export function docsPages(): (path: string) => Promise<Reply | undefined> {
  const cache = new Map<string, Buffer>();
  let dir: string | undefined;
  return async (path) => {
    if (path === '/docs') return page(PAGE, 'text/html; charset=utf-8');
    if (path === '/docs/init.js') return page(INIT, 'text/javascript; charset=utf-8');
    const name = path.startsWith('/docs/') ? path.slice('/docs/'.length) : '';
    const type = ASSETS[name];
    if (!type) return undefined;
    dir ??= dirname(require.resolve('swagger-ui-dist/package.json'));
    let bytes = cache.get(name);
    if (!bytes) cache.set(name, (bytes = await readFile(join(dir, name))));
    return { ...page(bytes, type), headers: { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' } };
  };
}

import { createHash } from 'node:crypto';

/**
 * The /docs page: self-contained (no CDN, no bundled UI package), it fetches ./openapi.json and lists every
 * operation by tag with its parameters, body and answers. Its inline script and style are pinned by hash in
 * the Content-Security-Policy.
 */

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}header p{margin:6px 0 0;color:#c9cfdb}
main{max-width:1100px;margin:0 auto;padding:12px 28px 40px}h2{margin:28px 0 4px}.tagdesc{color:#5b6475;margin:0 0 10px}
details.op{background:#fff;border:1px solid #dde1e8;border-radius:6px;margin:6px 0}details.op>summary{cursor:pointer;padding:8px 12px;list-style:none;display:flex;gap:10px;align-items:center}
.m{font:600 12px monospace;text-transform:uppercase;color:#fff;border-radius:4px;padding:3px 0;width:62px;text-align:center}
.get{background:#2f7dd1}.post{background:#2e9d5b}.patch{background:#c98a1a}.put{background:#8a5cc9}.delete{background:#cc3d3d}
.path{font:600 14px monospace}.sum{color:#5b6475}.lock{margin-left:auto;font-size:12px;color:#7a8394}
.body{padding:4px 16px 12px;border-top:1px solid #eef0f4}h4{margin:12px 0 4px}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #eef0f4;padding:4px 8px;text-align:left;vertical-align:top;font-size:13px}
pre{background:#f3f5f8;padding:8px 10px;border-radius:4px;overflow:auto;font-size:12.5px;margin:4px 0}code{font-size:13px}
.status{font:600 13px monospace}.doclink{color:#9cc3ff}.desc{white-space:pre-line}#error{color:#cc3d3d}`;

const SCRIPT = `
const h = (tag, attrs, ...kids) => { const e = document.createElement(tag); Object.assign(e, attrs || {});
  for (const k of kids) if (k != null) e.append(k instanceof Node ? k : String(k)); return e; };
const md = (text) => String(text || '').split('\`').map((part, i) => (i % 2 ? h('code', {}, part) : part));
let doc;
const resolve = (s) => (s && s.$ref ? doc.components.schemas[s.$ref.split('/').pop()] : s);
function fmt(s, pad, seen) {
  if (!s) return 'any';
  if (s.$ref) { const name = s.$ref.split('/').pop(); if (seen.includes(name)) return name; return fmt(resolve(s), pad, seen.concat(name)); }
  const alts = s.anyOf || s.oneOf; if (alts) return alts.map((a) => fmt(a, pad, seen)).join(' | ');
  let out;
  if (s.enum) out = s.enum.map((v) => JSON.stringify(v)).join(' | ');
  else if ('const' in s) out = JSON.stringify(s.const);
  else {
    const types = [].concat(s.type || 'any');
    out = types.map((t) => {
      if (t === 'object' && s.properties) {
        const req = s.required || [];
        const lines = Object.entries(s.properties).map(([k, v]) => pad + '  ' + k + (req.includes(k) ? '' : '?') + ': ' + fmt(v, pad + '  ', seen));
        return '{\\n' + lines.join('\\n') + '\\n' + pad + '}';
      }
      if (t === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') return '{ [key: string]: ' + fmt(s.additionalProperties, pad, seen) + ' }';
      if (t === 'array') return fmt(s.items, pad, seen) + '[]';
      return t + (s.format ? ' <' + s.format + '>' : '');
    }).join(' | ');
  }
  return out + ('default' in s ? ' = ' + JSON.stringify(s.default) : '');
}
const schemaBlock = (content) => Object.entries(content || {}).map(([type, m]) => h('div', {}, h('code', {}, type), h('pre', {}, fmt(m.schema, '', []))));
function operation(path, method, op) {
  const body = h('div', { className: 'body' });
  if (op.description) body.append(h('p', { className: 'desc' }, ...md(op.description)));
  if (op.parameters && op.parameters.length) {
    const rows = op.parameters.map((p) => h('tr', {}, h('td', {}, h('code', {}, p.name)), h('td', {}, p.in), h('td', {}, p.required ? 'required' : ''), h('td', {}, h('code', {}, fmt(p.schema, '', [])))));
    body.append(h('h4', {}, 'Parameters'), h('table', {}, h('tr', {}, h('th', {}, 'name'), h('th', {}, 'in'), h('th', {}, ''), h('th', {}, 'schema')), ...rows));
  }
  if (op.requestBody) body.append(h('h4', {}, 'Request body'), ...schemaBlock(op.requestBody.content));
  body.append(h('h4', {}, 'Responses'));
  for (const [status, r] of Object.entries(op.responses || {})) {
    body.append(h('div', {}, h('span', { className: 'status' }, status + ' '), h('span', { className: 'desc' }, ...md(r.description))), ...schemaBlock(r.content));
  }
  const locked = op.security && op.security.length > 0;
  return h('details', { className: 'op' }, h('summary', {}, h('span', { className: 'm ' + method }, method), h('span', { className: 'path' }, path),
    h('span', { className: 'sum' }, op.summary || ''), h('span', { className: 'lock' }, locked ? 'API key' : 'public')), body);
}
fetch('./openapi.json').then((r) => r.json()).then((d) => {
  doc = d;
  document.title = d.info.title + ' ' + d.info.version;
  document.querySelector('header').replaceChildren(h('h1', {}, d.info.title + ' ', h('small', {}, d.info.version)), h('p', {}, ...md(d.info.description)),
    h('p', {}, h('a', { href: './openapi.json', className: 'doclink' }, 'openapi.json')));
  const main = document.querySelector('main');
  for (const tag of d.tags || []) {
    const ops = [];
    for (const [path, item] of Object.entries(d.paths)) for (const [method, op] of Object.entries(item)) if ((op.tags || []).includes(tag.name)) ops.push(operation(path, method, op));
    if (ops.length) main.append(h('h2', {}, tag.name), h('p', { className: 'tagdesc' }, ...md(tag.description)), ...ops);
  }
}).catch((e) => { document.querySelector('main').append(h('p', { id: 'error' }, 'Could not load openapi.json: ' + e.message)); });`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

export const DOCS_PAGE_CSP = `default-src 'none'; connect-src 'self'; img-src 'self' data:; script-src ${hash(SCRIPT)}; style-src ${hash(STYLE)}`;

export const DOCS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Proxy Pool API</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>Proxy Pool API</h1><p>Loading <a href="./openapi.json">openapi.json</a>…</p></header>
<main></main>
<script>${SCRIPT}</script>
</body>
</html>
`;

// GraphiQL from our own files: copies the prebuilt browser bundles of react, react-dom and
// graphiql (npm packages pinned in package.json) and our start-up script into
// api/static/graphiql/assets/ under content-hashed names, and writes index.html naming them.
// No bundling needed, and nothing is loaded from another host.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const out = here('../../api/static/graphiql/');
const sources = [
  here('../node_modules/react/umd/react.production.min.js'),
  here('../node_modules/react-dom/umd/react-dom.production.min.js'),
  here('../node_modules/graphiql/graphiql.min.js'),
  here('../node_modules/graphiql/graphiql.min.css'),
  here('cargolive-graphiql.js'),
  here('cargolive-graphiql.css'),
];

rmSync(out, { recursive: true, force: true });
mkdirSync(`${out}assets`, { recursive: true });
let page = readFileSync(here('index.html'), 'utf8');
for (const source of sources) {
  const name = basename(source);
  const body = readFileSync(source);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const hashed = name.replace(/(\.min)?\.(js|css)$/, `-${hash}$&`);
  writeFileSync(`${out}assets/${hashed}`, body);
  page = page.replace(`{{${name}}}`, `/graphiql/assets/${hashed}`);
}
if (page.includes('{{')) throw new Error(`graphiql/index.html names a file not copied: ${page}`);
writeFileSync(`${out}index.html`, page);

#!/usr/bin/env node
// Regenerates the TypeScript SDK's REST types (clients/typescript/src/schema.d.ts) from the
// OpenAPI document the server code produces, without Valkey or a running server: the document
// comes from Nest's preview mode (src/openapi.ts), loaded from source through @swc/core (the
// transform the tests use), and openapi-typescript turns it into types.
//
//   node scripts/generate-sdk.mjs           write the file (npm run sdk:generate)
//   node scripts/generate-sdk.mjs --stdout  print it instead (the SDK's freshness test)
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { createTsRequire } from './require-ts.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SCHEMA_PATH = join(root, 'clients', 'typescript', 'src', 'schema.d.ts');

const require = createTsRequire(import.meta.url);
const { previewOpenApiDocument } = require('../src/openapi.ts');
const document = await previewOpenApiDocument();
// A JSON round trip drops the undefined fields Nest leaves in the document.
const ast = await openapiTS(JSON.parse(JSON.stringify(document)), {
  silent: true,
  // A field with a default is optional to send (openapi-typescript 7 makes it required).
  defaultNonNullable: false,
  // `metadata` is any JSON object: Record<string, unknown>, not Record<string, never>.
  emptyObjectsUnknown: true,
});
const header = COMMENT_HEADER.replace(
  ' */',
  " * Regenerate with `npm run sdk:generate` (from the server code's OpenAPI document).\n */",
);
const text = `${header}\n${astToString(ast)}`;

if (process.argv.includes('--stdout')) process.stdout.write(text);
else {
  writeFileSync(SCHEMA_PATH, text);
  console.log(`wrote ${SCHEMA_PATH.slice(root.length + 1)}`);
}

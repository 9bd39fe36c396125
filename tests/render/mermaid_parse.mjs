// Parse Mermaid diagrams with Mermaid's own parser, in node (a DOM from jsdom, no browser).
// Usage: node mermaid_parse.mjs DIAGRAMS.json  (a JSON array of diagram texts)
// Prints a JSON array: null for a diagram that parses, the parser's message for one that doesn't.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;      // Mermaid's sanitizer (DOMPurify) needs a window at import
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');

const results = [];
for (const text of JSON.parse(readFileSync(process.argv[2], 'utf8'))) {
  try {
    const parsed = await mermaid.parse(text);
    results.push(parsed && parsed.diagramType === 'flowchart-v2' ? null : `parsed as ${parsed && parsed.diagramType}`);
  } catch (err) {
    results.push(String(err.message || err));
  }
}
console.log(JSON.stringify(results));

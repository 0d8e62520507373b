// Runs one SPARQL query with Comunica against a SPARQL endpoint as its source, as Comunica's documentation shows
// (https://comunica.dev/docs/query/getting_started/query_app/), and prints the answer as JSON on stdout:
// bindings as [{variable: N-Triples term}], quads as [N-Triples lines], a boolean as true/false.
// Usage: node query.mjs ENDPOINT_URL QUERY
import { QueryEngine } from '@comunica/query-sparql';

const [endpoint, query] = process.argv.slice(2);
const engine = new QueryEngine();
const context = { sources: [{ type: 'sparql', value: endpoint }] };
const result = await engine.query(query, context);

// A term in N-Triples syntax (the test parses it back with pyoxigraph, which normalises escapes).
function nt(term) {
  if (term.termType === 'NamedNode') return `<${term.value}>`;
  if (term.termType === 'BlankNode') return `_:${term.value}`;
  const lexical = JSON.stringify(term.value);
  if (term.language) return `${lexical}@${term.language}`;
  return term.datatype.value === 'http://www.w3.org/2001/XMLSchema#string' ? lexical : `${lexical}^^<${term.datatype.value}>`;
}

let out;
if (result.resultType === 'bindings') {
  const rows = await (await result.execute()).toArray();
  out = rows.map((row) => Object.fromEntries([...row].map(([variable, term]) => [variable.value, nt(term)])));
} else if (result.resultType === 'quads') {
  const quads = await (await result.execute()).toArray();
  out = quads.map((q) => `${nt(q.subject)} ${nt(q.predicate)} ${nt(q.object)} .`);
} else {
  out = await result.execute();
}
process.stdout.write(JSON.stringify(out));

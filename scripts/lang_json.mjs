// lang_json.mjs — a UI translation's source (assets/lang/<code>.tsv: "<string id><TAB><text>" a line,
// "\n" for a line break inside a text, "#" comment lines) to the JSON file the app installs
// ({"<string id>": "text"}), plus, with a third argument, the text of every string in one file (what
// the Chinese glyph subset is cut to), to which the guided lessons named after it add their
// translations into this language ("translations": {"<code>": {...}} in a lesson file or the index).
// Duplicate ids and malformed lines stop the build, naming the line.
// usage: node lang_json.mjs <in.tsv> <out.json> [<all-text.txt> [<lesson.json>...]]
import fs from 'node:fs';
import path from 'node:path';

const [input, output, textOut, ...lessonFiles] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node lang_json.mjs <in.tsv> <out.json> [<all-text.txt> [<lesson.json>...]]');
  process.exit(2);
}
const code = path.basename(input, '.tsv');
const table = {};
const lines = fs.readFileSync(input, 'utf8').split('\n');
lines.forEach((line, i) => {
  if (line.trim() === '' || line.startsWith('#')) return;
  const tab = line.indexOf('\t');
  const where = `${input}:${i + 1}`;
  if (tab <= 0) { console.error(`${where}: expected "<id><TAB><text>", got ${JSON.stringify(line.slice(0, 60))}`); process.exit(1); }
  const id = line.slice(0, tab);
  if (!/^[a-z0-9_]+$/.test(id)) { console.error(`${where}: "${id}" is not a string id`); process.exit(1); }
  if (id in table) { console.error(`${where}: "${id}" appears twice`); process.exit(1); }
  table[id] = line.slice(tab + 1).replace(/\\n/g, '\n');
});
fs.writeFileSync(output + '.tmp', JSON.stringify(table));
fs.renameSync(output + '.tmp', output);
if (textOut) {
  const texts = Object.values(table);
  for (const f of lessonFiles) {
    let lesson;
    try { lesson = JSON.parse(fs.readFileSync(f, 'utf8')); } catch (e) { console.error(`${f}: ${e.message}`); process.exit(1); }
    texts.push(...Object.values(lesson?.translations?.[code] ?? {}).filter((t) => typeof t === 'string'));
  }
  fs.writeFileSync(textOut, texts.join('\n'));
}

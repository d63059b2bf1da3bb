import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Rulebook } from '../../core/model/rulebook.ts';
import { inputLabel, readInputText } from './input-text.ts';
import { parseJsonText } from './json-text.ts';
import { InputError, Reader, settle } from './reader.ts';
import { readRulebook } from './rulebook-file.ts';

const presetsFolder = fileURLToPath(new URL('../../../rulebooks/', import.meta.url));

/** The rulebooks shipped in `rulebooks/`, by file name without `.json` (which is also their id). */
export function presetIds(): string[] {
  return readdirSync(presetsFolder)
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
}

/** A preset's file as JSON, as shipped: what a log records of a venue that names the preset. */
export function presetJson(id: string): unknown {
  if (!presetIds().includes(id)) {
    throw new InputError([`rulebook: unknown preset "${id}" (presets: ${presetIds().join(', ')})`]);
  }
  return readJsonFile(`${presetsFolder}${id}.json`, `rulebooks/${id}.json`);
}

export function readPreset(id: string): Rulebook {
  if (!presetIds().includes(id)) {
    throw new InputError([`rulebook: unknown preset "${id}" (presets: ${presetIds().join(', ')})`]);
  }
  return readRulebookFile(`${presetsFolder}${id}.json`, `rulebooks/${id}.json`);
}

export function readRulebookFile(path: string, label = path): Rulebook {
  const reader = new Reader(readJsonFile(path, label), '');
  const rulebook = readRulebook(reader);
  settle(prefixed(reader, label));
  return rulebook;
}

function prefixed(reader: Reader, label: string): Reader {
  const issues = reader.issues.map((issue) => `${label}: ${issue}`);
  return new Reader(reader.value, reader.path, issues);
}

/**
 * Reads and parses a JSON file (`-`: standard input); a missing file or bad JSON is bad input, not
 * a crash, and says where (json-text.ts).
 */
export function readJsonFile(path: string, label = inputLabel(path)): unknown {
  return parseJsonText(readInputText(path, label), label);
}

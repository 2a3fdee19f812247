import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCorsPolicy, type CorsOptions } from '@cors/core';

/** A policy file the doctor cannot read (not the policy's own errors: those are `CorsConfigError`). */
export class PolicyFileError extends Error {
  override readonly name = 'PolicyFileError';
}

/**
 * Loads a `CorsOptions` policy from `.json`, `.js`, `.mjs`, `.cjs` or `.ts` (the default export,
 * or an export named `policy`), and validates it with `createCorsPolicy`, so a bad policy throws
 * the same `CorsConfigError` as every adapter. A `.ts` file needs a Node that strips types
 * (22.18+/23.6+), or `tsx` installed in the project.
 */
export async function loadPolicy(file: string, cwd = process.cwd()): Promise<CorsOptions> {
  const path = resolve(cwd, file);
  const extension = extname(path);
  let loaded: unknown;
  if (extension === '.json') {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new PolicyFileError(`cannot read ${file}: ${(error as Error).message}`);
    }
    try {
      loaded = JSON.parse(text) as unknown;
    } catch (error) {
      throw new PolicyFileError(`${file} is not valid JSON: ${(error as Error).message}`);
    }
  } else if (['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'].includes(extension)) {
    loaded = pickExport(await importModule(path, file, cwd));
  } else {
    throw new PolicyFileError(`${file}: use a .json, .js, .mjs, .cjs or .ts policy file`);
  }
  if (typeof loaded !== 'object' || loaded === null || Array.isArray(loaded)) {
    throw new PolicyFileError(
      `${file} must hold a CorsOptions object, e.g. { "origin": ["https://app.example.com"] }`,
    );
  }
  const options = loaded as CorsOptions;
  createCorsPolicy(options);
  return options;
}

async function importModule(path: string, file: string, cwd: string): Promise<unknown> {
  try {
    return await import(pathToFileURL(path).href);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ERR_UNKNOWN_FILE_EXTENSION' || !/\.[mc]?ts$/.test(path)) {
      throw new PolicyFileError(`cannot load ${file}: ${(error as Error).message}`);
    }
  }
  // This Node cannot import TypeScript itself: use the project's tsx when there is one.
  let tsxApi: string;
  try {
    tsxApi = createRequire(resolve(cwd, 'package.json')).resolve('tsx/esm/api');
  } catch {
    throw new PolicyFileError(
      `cannot load ${file}: Node ${process.versions.node} does not run TypeScript; use Node 22.18+, install tsx in the project, or write the policy as .json or .mjs`,
    );
  }
  const { tsImport } = (await import(pathToFileURL(tsxApi).href)) as {
    tsImport: (specifier: string, parent: string) => Promise<unknown>;
  };
  return tsImport(pathToFileURL(path).href, pathToFileURL(resolve(cwd, 'cors-doctor.js')).href);
}

function pickExport(module: unknown): unknown {
  if (typeof module !== 'object' || module === null) return module;
  const record = module as Record<string, unknown>;
  const candidate = record.default ?? record.policy;
  // A CommonJS module imported from ESM: module.exports is the default export.
  if (
    typeof candidate === 'object' &&
    candidate !== null &&
    'default' in candidate &&
    !('origin' in candidate)
  ) {
    return (candidate as Record<string, unknown>).default;
  }
  return candidate;
}

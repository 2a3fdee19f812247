#!/usr/bin/env node
import { runCli } from './cli/run-cli.js';

// The `cors-doctor` bin: everything but the process lives in run-cli.ts, so tests run it in-process.
runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `cors-doctor: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 2;
  },
);

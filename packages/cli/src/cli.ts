import { runCli } from './run-cli.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // An unexpected failure is a bug in jaf-sec, not in the user's input: say so plainly.
    process.stderr.write(`jaf-sec: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 70;
  },
);

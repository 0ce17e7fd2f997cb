export type {
  HeaderCheck,
  HeaderCheckStatus,
  HeaderGrade,
  HeaderReport,
} from './grade-headers.js';
export { GRADES, gradeSecurityHeaders } from './grade-headers.js';
export type { DotenvError, ParsedDotenv } from './parse-dotenv.js';
export { parseDotenv } from './parse-dotenv.js';
export type { CliIo } from './run-cli.js';
export { EXIT, runCli } from './run-cli.js';

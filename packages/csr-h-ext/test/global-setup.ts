/** Builds test-programs/ once for the whole run (make is not safe to run from two test files at once). */
import { buildPrograms } from './run.js';

export default function setup(): void {
  buildPrograms();
}

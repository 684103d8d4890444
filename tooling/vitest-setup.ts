import fc from 'fast-check';

// Property tests explore new random inputs on every developer run; in CI they use one fixed
// seed, so a red CI is reproducible (FC_SEED overrides it, e.g. to replay a local failure).
const seed = process.env['FC_SEED'] ?? (process.env['CI'] ? '20261202' : undefined);
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) });

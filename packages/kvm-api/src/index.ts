export * from './defs';
export * from './onereg';

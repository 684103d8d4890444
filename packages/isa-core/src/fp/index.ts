/** Soft-float for the RISC-V F and D extensions: bit-exact, allocation-free on common paths. */
export * from './defs.js';
export { f32FromBits, f32Bits, f64FromHalves, f64Lo, f64Hi, isF32NaN, isF32SNaN, isF64NaN, isF64SNaN } from './bits.js';
export { f32Add, f32Sub, f32Mul, f32Div, f32Sqrt, f32Fma, f32MinMax, f32Compare, f32Class, f32SignInject } from './binary32.js';
export { f64Add, f64Sub, f64Mul, f64Div, f64Sqrt, f64Fma, f64MinMax, f64Compare, f64Class, f64SignInjectHi } from './binary64.js';
export { INT_W, INT_WU, INT_L, INT_LU, f32ToF64, f64ToF32, f32ToInt, f64ToInt, intToFloat } from './convert.js';

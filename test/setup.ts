import '../lib/runtime/polyfills';
import fc from 'fast-check';

// Property tests run with a fixed seed so that CI is repeatable; FC_SEED=random (or a number) explores more.
const seed = process.env.FC_SEED;
fc.configureGlobal(seed === 'random' ? {} : { seed: seed ? Number(seed) : 20261128 });

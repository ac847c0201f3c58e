import '../lib/polyfills';

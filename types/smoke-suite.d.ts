/**
 * The stage's suite (and service map), bundled into each hook function at package time by
 * build/esbuild-plugins.js (validated there, so a bad file fails `sls package`).
 */
declare module 'smoke-suite' {
  const bundled: import('../src/packaging/bundleSuite').BundledConfig;
  export default bundled;
}

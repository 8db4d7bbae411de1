/**
 * The stage's smoke suite, bundled into each hook function at package time by
 * build/esbuild-plugins.js (validated there, so a bad suite fails `sls package`).
 */
declare module 'smoke-suite' {
  const bundled: { readonly source: string; readonly document: unknown };
  export default bundled;
}

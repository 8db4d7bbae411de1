// esbuild plugins for serverless-esbuild. `smoke-suite` resolves to the stage's suite file
// (config/suites/<custom.smokeSuite>.yaml): validated here, so a bad suite fails `sls package`
// with the file, line and field, then bundled as plain data (no YAML parser in the Lambda).
const path = require('node:path');
const loadTs = require('./load-ts');

const smokeSuitePlugin = (projectRoot, suiteName) => ({
  name: 'smoke-suite',
  setup(build) {
    build.onResolve({ filter: /^smoke-suite$/ }, () => {
      const { suiteFilePath } = loadTs('../src/smoke/loadSuite.ts');
      return { path: suiteFilePath(projectRoot, suiteName), namespace: 'smoke-suite' };
    });
    build.onLoad({ filter: /.*/, namespace: 'smoke-suite' }, (args) => {
      const { renderBundledSuiteModule } = loadTs('../src/smoke/bundleSuite.ts');
      try {
        return {
          contents: renderBundledSuiteModule(args.path, path.relative(projectRoot, args.path)),
          loader: 'js',
          watchFiles: [args.path],
        };
      } catch (error) {
        return { errors: [{ text: error.message }] };
      }
    });
  },
});

module.exports = (serverless) => [
  smokeSuitePlugin(serverless.serviceDir, serverless.service.custom.smokeSuite ?? 'default'),
];
module.exports.smokeSuitePlugin = smokeSuitePlugin;

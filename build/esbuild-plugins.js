// esbuild plugins for serverless-esbuild. `smoke-suite` resolves to the stage's configuration:
// its suite (config/suites/<custom.smokeSuite>.yaml) and, with custom.serviceMap, the service map
// and every suite it names. Validated here, so a bad file fails `sls package` with the file,
// line and field, then bundled as plain data (no YAML parser in the Lambda).
const path = require('node:path');
const loadTs = require('./load-ts');

const smokeSuitePlugin = (projectRoot, suiteName, mapName) => ({
  name: 'smoke-suite',
  setup(build) {
    build.onResolve({ filter: /^smoke-suite$/ }, () => ({
      path: path.join(projectRoot, 'config'),
      namespace: 'smoke-suite',
    }));
    build.onLoad({ filter: /.*/, namespace: 'smoke-suite' }, () => {
      const { renderBundledSuiteModule } = loadTs('../src/packaging/bundleSuite.ts');
      try {
        return {
          contents: renderBundledSuiteModule(projectRoot, suiteName, mapName || undefined),
          loader: 'js',
          watchDirs: [path.join(projectRoot, 'config')],
        };
      } catch (error) {
        return { errors: [{ text: error.message }] };
      }
    });
  },
});

module.exports = (serverless) => [
  smokeSuitePlugin(
    serverless.serviceDir,
    serverless.service.custom.smokeSuite ?? 'default',
    serverless.service.custom.serviceMap,
  ),
];
module.exports.smokeSuitePlugin = smokeSuitePlugin;

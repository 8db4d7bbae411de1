// Loads the project's TypeScript modules from the build plugins (which Serverless and
// serverless-esbuild require as plain JavaScript), so package-time checks run the same code
// as the Lambdas and the CLI. Under jest (the plugin's unit tests), jest's own transform
// already loads TypeScript, and tsx's loader cannot run inside jest's module system.
const path = require('node:path');
const { require: tsxRequire } = require('tsx/cjs/api');

module.exports = (relativePath) =>
  process.env.JEST_WORKER_ID
    ? require(path.resolve(__dirname, relativePath))
    : tsxRequire(relativePath, __filename);

// Loads the project's TypeScript modules from the build plugins (which Serverless and
// serverless-esbuild require as plain JavaScript), so package-time checks run the same code
// as the Lambdas and the CLI.
const { require: tsxRequire } = require('tsx/cjs/api');

module.exports = (relativePath) => tsxRequire(relativePath, __filename);

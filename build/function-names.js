// Serverless variable resolver: `${file(./build/function-names.js)}` gives the stage's function
// names from src/config/functionNames.ts, the same code that renders appspec.yaml.
const loadTs = require('./load-ts');

module.exports = async ({ resolveVariable }) => {
  const { functionNamesFor } = loadTs('../src/config/functionNames.ts');
  return functionNamesFor(
    await resolveVariable('param:serviceName'),
    await resolveVariable('sls:stage'),
  );
};

// Serverless plugin: checks the stage before anything is packaged or deployed (function names,
// environment, smoke suite) with the same code the Lambdas run at cold start, writes the grants
// the stage needs (src/packaging/packageGrants.ts), and renders the stage's appspec next to the
// package from the framework's resolved values.
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const loadTs = require('./load-ts');

class PreflightPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'before:package:initialize': () => this.run(false),
      'before:deploy:deploy': () => this.run(true),
      'after:package:finalize': () => this.writeAppspec(),
    };
  }

  run(deploying) {
    try {
      this.check(deploying);
    } catch (error) {
      if (error instanceof this.serverless.classes.Error) throw error;
      throw new this.serverless.classes.Error(error.message);
    }
  }

  check(deploying) {
    const { runPreflight, secretRefsOf, watchesAlarms, analysesMetrics, analysisTimeoutProblems } =
      loadTs('../src/packaging/preflight.ts');
    const { suiteFilePath } = loadTs('../src/suite/loadSuite.ts');
    const { service } = this.serverless;
    const stage = this.serverless.getProvider('aws').getStage();
    const functions = Object.entries(service.functions ?? {}).map(([key, fn]) => ({
      key,
      name: fn.name,
      environment: { ...(service.provider.environment ?? {}), ...(fn.environment ?? {}) },
      timeoutSeconds: fn.timeout ?? service.provider.timeout,
    }));
    const suite = runPreflight({
      stage,
      functions,
      suiteFile: suiteFilePath(this.serverless.serviceDir, service.custom.smokeSuite),
      deploying,
      serviceMap: service.custom.serviceMap,
    });
    const { selectionSummary } = loadTs('../src/suite/selectionSummary.ts');
    if (suite) this.serverless.cli?.log(selectionSummary(suite));
    // A service map: every service's suite is validated, and the hooks read exactly its groups.
    let services;
    if (service.custom.serviceMap) {
      const { loadServiceMapFile } = loadTs('../src/config/loadServiceMap.ts');
      services = loadServiceMapFile(this.serverless.serviceDir, service.custom.serviceMap);
    }
    const suites = [suite, ...(services ?? []).map((s) => s.suite)];
    const secretRefs = suites.flatMap(secretRefsOf);
    const alarms = suites.some(watchesAlarms);
    const analyses = suites.some(analysesMetrics);
    const tooShort = analysisTimeoutProblems(functions, suites);
    if (tooShort.length > 0)
      throw new Error(`Stage "${stage}" is not ready to package: ${tooShort.join('; ')}`);
    const resources = service.resources?.Resources;
    const { stackParameterProblems } = loadTs('../src/packaging/stackParameters.ts');
    const problems = stackParameterProblems(service.resources?.Parameters);
    if (problems.length > 0) throw new Error(`Invalid stage params: ${problems.join('; ')}`);
    this.grantHookRole(resources, secretRefs, services, alarms, analyses);
    this.grantAlarmRole(resources, functions);
    this.grantTracing(resources);
    this.setAlarmSources(resources);
    this.addDashboard(resources);
    this.acknowledgeFindings(resources);
  }

  // The stage's dashboard (src/packaging/dashboard.ts): the functions' metrics, the alarm
  // pipeline's dead-letter queue and every Errors alarm in the template.
  addDashboard(resources) {
    const { DASHBOARD_ID, dashboardResource } = loadTs('../src/packaging/dashboard.ts');
    // Re-added last every time: `sls deploy` runs this twice and must get the same template.
    delete resources[DASHBOARD_ID];
    const { service } = this.serverless;
    const stage = this.serverless.getProvider('aws').getStage();
    const errorAlarmIds = Object.keys(resources).filter(
      (id) =>
        resources[id].Type === 'AWS::CloudWatch::Alarm' &&
        /(ErrorsAlarm|FailedDeliveriesAlarm)$/.test(id),
    );
    Object.assign(
      resources,
      dashboardResource({
        dashboardName: `${service.service}-${stage}`,
        queueName: resources.AlarmRollbackFailedDeliveries?.Properties?.QueueName,
        errorAlarmIds,
      }),
    );
  }

  // The rule-pack findings kept on purpose, with their reasons, in each resource's Metadata
  // (src/packaging/nagAcknowledgments.ts). Runs last: the reasons follow the final roles.
  acknowledgeFindings(resources) {
    const n = loadTs('../src/packaging/nagAcknowledgments.ts');
    const { WILDCARD_GRANTS } = loadTs('../src/packaging/awsCalls.ts');
    const { service } = this.serverless;
    const naming = this.serverless.getProvider('aws').naming;
    const tracing = n.tracingEnabled(service.provider.tracing);
    const extensions = service.resources.extensions ?? {};
    service.resources.extensions = extensions;
    const extend = (id, acknowledgments) => {
      extensions[id] = extensions[id] ?? {};
      n.acknowledge(extensions[id], acknowledgments);
    };
    for (const key of Object.keys(service.functions ?? {}))
      extend(naming.getLambdaLogicalId(key), n.functionAcknowledgments(key, { tracing }));
    // The framework creates its artifact bucket unless the stage names one.
    if (
      !service.provider.deploymentBucket?.name &&
      typeof service.provider.deploymentBucket !== 'string'
    )
      extend('ServerlessDeploymentBucket', n.DEPLOYMENT_BUCKET_ACKNOWLEDGMENTS);
    for (const id of ['HookFunctionRole', 'EcsHookFunctionRole', 'AlarmFunctionRole']) {
      if (resources[id])
        n.acknowledge(resources[id], n.roleAcknowledgments(resources[id], WILDCARD_GRANTS));
    }
  }

  grantHookRole(resources, secretRefs, services, alarms, analyses) {
    const g = loadTs('../src/packaging/packageGrants.ts');
    const fns = this.serverless.service.functions ?? {};
    const role = g.rolePolicies(resources, 'HookFunctionRole');
    if (services) g.setHookServices(role, services);
    g.setInlinePolicy(
      role,
      g.REVISIONS_POLICY_NAME,
      g.revisionReadStatements(g.splitNames(this.serverless.service.custom?.revisionBuckets)),
    );
    // What both hook roles need alike: the suite's secrets, its watch's alarms, VPC access.
    const roles = [['HookFunctionRole', role]];
    if (fns.ecsLifecycleHook)
      roles.push(['EcsHookFunctionRole', g.rolePolicies(resources, 'EcsHookFunctionRole')]);
    // ... and canary analysis's metric read (ECS steps, and CodeDeploy's AfterAllowTraffic).
    for (const [, r] of roles) {
      g.setInlinePolicy(r, g.SECRETS_POLICY_NAME, g.secretReadStatements(secretRefs));
      g.setInlinePolicy(r, g.WATCH_ALARMS_POLICY_NAME, g.watchAlarmStatements(alarms));
      g.setInlinePolicy(r, g.ANALYSIS_METRICS_POLICY_NAME, g.analysisMetricStatements(analyses));
    }
    const inVpc = (key) => !!fns[key]?.vpc;
    if (['afterAllowTestTraffic', 'beforeAllowTraffic', 'afterAllowTraffic'].some(inVpc)) {
      g.ensureManagedPolicy(role, g.ENI_MANAGEMENT_POLICY);
    }
    if (roles.length > 1 && inVpc('ecsLifecycleHook')) {
      g.ensureManagedPolicy(roles[1][1], g.ENI_MANAGEMENT_POLICY);
    }
  }

  // X-Ray's writes for every role, only when the stage turns tracing on.
  grantTracing(resources) {
    const g = loadTs('../src/packaging/packageGrants.ts');
    const { tracingEnabled } = loadTs('../src/packaging/nagAcknowledgments.ts');
    const statements = g.tracingStatements(
      tracingEnabled(this.serverless.service.provider.tracing),
    );
    for (const id of ['HookFunctionRole', 'EcsHookFunctionRole', 'AlarmFunctionRole']) {
      if (resources[id])
        g.setInlinePolicy(g.rolePolicies(resources, id), g.TRACING_POLICY_NAME, statements);
    }
  }

  grantAlarmRole(resources, functions) {
    const fn = functions.find((f) => f.key === 'alarmRollback');
    if (!fn) return;
    const g = loadTs('../src/packaging/packageGrants.ts');
    const { readAlarmSettings } = loadTs('../src/config/env.ts');
    const { isEcsTarget } = loadTs('../src/config/env.ts');
    const deferred = new Set(
      Object.entries(fn.environment)
        .filter(([, v]) => v !== null && typeof v === 'object')
        .map(([k]) => k),
    );
    const settings = readAlarmSettings(fn.environment, { deferred });
    const targets = [settings.defaultTarget, ...[...settings.routes.values()].flat()];
    const role = g.rolePolicies(resources, 'AlarmFunctionRole');
    const groups = targets.filter((t) => !isEcsTarget(t));
    if (groups.length > 0) g.setListedGroups(role, groups);
    else g.removeCodeDeployStops(role);
    g.setInlinePolicy(
      role,
      g.ECS_ALARM_POLICY_NAME,
      g.ecsAlarmStatements(targets.filter(isEcsTarget)),
    );
  }

  // EventBridge and direct alarm actions: the shipped alarms by exact name, plus the stage's own.
  setAlarmSources(resources) {
    const { service } = this.serverless;
    const fn = service.functions?.alarmRollback;
    if (!fn) return;
    const g = loadTs('../src/packaging/packageGrants.ts');
    const custom = service.custom ?? {};
    const sources = {
      names: [...(custom.shippedAlarmNames ?? []), ...g.splitNames(custom.alarmSources?.names)],
      prefix: String(custom.alarmSources?.prefix ?? '').trim(),
    };
    for (const event of fn.events ?? []) {
      const detail = event.eventBridge?.pattern?.detail;
      if (detail) detail.alarmName = g.alarmNamePattern(sources);
    }
    for (const id of Object.keys(resources)) {
      if (id.startsWith(g.ALARM_PERMISSION_ID)) delete resources[id];
    }
    Object.assign(resources, g.alarmActionPermissions(sources));
  }

  // The stage's appspec, from the same resolved function names and params as the template.
  writeAppspec() {
    const { service } = this.serverless;
    const { renderResolvedAppspec } = loadTs('../src/packaging/renderAppspec.ts');
    const stage = this.serverless.getProvider('aws').getStage();
    let text;
    try {
      text = renderResolvedAppspec({
        stage,
        hookNames: {
          afterAllowTestTraffic: service.functions?.afterAllowTestTraffic?.name,
          beforeAllowTraffic: service.functions?.beforeAllowTraffic?.name,
          afterAllowTraffic: service.functions?.afterAllowTraffic?.name,
        },
        containerName: service.custom?.appspec?.containerName,
        containerPort: service.custom?.appspec?.containerPort,
      });
    } catch (error) {
      throw new this.serverless.classes.Error(error.message);
    }
    const dir = this.serverless.processedInput?.options?.package
      ? path.resolve(this.serverless.serviceDir, this.serverless.processedInput.options.package)
      : path.join(this.serverless.serviceDir, '.serverless');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'appspec.yaml'), text);
  }
}

module.exports = PreflightPlugin;

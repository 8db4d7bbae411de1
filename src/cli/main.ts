/**
 * The `ecs-bluegreen-hooks` command line. Exit codes: 0 success, 1 a Failed verdict, 2 a usage
 * or configuration error (one line on stderr, no stack trace).
 */

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError } from '../errors';
import { GREEN_BEHAVIOURS, type GreenBehaviour } from '../rehearsal/rehearseDeployment';
import { ECS_STRATEGIES, type EcsStrategy } from '../rehearsal/rehearseEcsDeployment';
import { HOOK_NAMES, type HookName } from '../suite/schema';
import { runAppspecCommand } from './commands/appspec';
import { runRehearseCommand } from './commands/rehearse';
import { runSmokeCommand } from './commands/smoke';
import { EXIT, UsageError } from './errors';
import { createTerminal } from './terminal';

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError('must be a positive whole number');
  return n;
};

export const buildProgram = (setExitCode: (code: number) => void): Command => {
  const term = createTerminal();
  const program = new Command('ecs-bluegreen-hooks')
    .description(
      'Smoke tests and rollback safety net for Amazon ECS blue/green deployments run by AWS CodeDeploy',
    )
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();

  program
    .command('rehearse')
    .description(
      'Rehearse a whole ECS blue/green deployment on this machine: no AWS account needed',
    )
    .addOption(
      new Option('--controller <controller>', 'who runs the deployment: CodeDeploy, or ECS itself')
        .choices(['codedeploy', 'ecs'])
        .default('codedeploy'),
    )
    .addOption(
      new Option(
        '--strategy <strategy>',
        'with --controller ecs: all at once, or production traffic in steps (the production rule splits)',
      )
        .choices(ECS_STRATEGIES)
        .default('blue-green'),
    )
    .addOption(
      new Option('--green <behaviour>', 'how the new (green) version behaves')
        .choices(GREEN_BEHAVIOURS)
        .default('healthy'),
    )
    .option(
      '--alarm',
      'fire a CloudWatch alarm during the wait before blue ends, to show the rollback',
    )
    .option(
      '--stage <stage>',
      "run this stage's smoke suite instead of config/suites/rehearsal.yaml",
    )
    .option('--suite <file>', 'run this suite file instead of config/suites/rehearsal.yaml')
    .option(
      '--wait <seconds>',
      'the wait before the blue task set ends (an hour by default in AWS)',
      positiveInt,
      3,
    )
    .option(
      '--hook-timeout <seconds>',
      "the hook Lambdas' timeout in the rehearsal",
      positiveInt,
      20,
    )
    .action(
      async (options: {
        controller: 'codedeploy' | 'ecs';
        strategy: EcsStrategy;
        green: GreenBehaviour;
        alarm?: boolean;
        stage?: string;
        suite?: string;
        wait: number;
        hookTimeout: number;
      }) => {
        setExitCode(await runRehearseCommand(options, term));
      },
    );

  program
    .command('smoke')
    .description("Run a stage's smoke suite against any URL, with the engine the hook Lambdas use")
    .option(
      '--url <url>',
      'base URL of the app under test, e.g. http://my-alb-123.elb.amazonaws.com:8080 (with --deployment: an override)',
    )
    .option(
      '--deployment <id>',
      'run the suite as the hook would for this CodeDeploy deployment: find green, prove the routing, use revision facts (your AWS credentials)',
    )
    .option('--no-routing-proof', 'with --deployment: skip the routing proof')
    .option(
      '--production-url <url>',
      "blue's URL for comparison checks (with --deployment: the production listener)",
    )
    .addOption(
      new Option('--hook <hook>', "which hook's checks to run")
        .choices(HOOK_NAMES)
        .default('AfterAllowTestTraffic'),
    )
    .option('--stage <stage>', 'stage whose suite to run (serverless.yml params.smokeSuite)', 'dev')
    .option('--suite <file>', "run this suite file instead of the stage's")
    .option('--json', 'print one JSON document instead of a table')
    .option('--junit <file>', 'also write the result as JUnit XML')
    .option('--timeout <ms>', 'time budget for the whole suite', positiveInt, 120_000)
    .action(
      async (options: {
        url?: string;
        deployment?: string;
        routingProof?: boolean;
        productionUrl?: string;
        hook: HookName;
        stage: string;
        suite?: string;
        json?: boolean;
        junit?: string;
        timeout: number;
      }) => {
        // Ctrl-C ends the suite (not the process), so the verdict and "interrupted" still print.
        const interrupt = new AbortController();
        const onSigint = () => interrupt.abort();
        process.once('SIGINT', onSigint);
        try {
          setExitCode(await runSmokeCommand(options, term, interrupt.signal));
        } finally {
          process.off('SIGINT', onSigint);
        }
      },
    );

  program
    .command('appspec')
    .description("Print a stage's ECS appspec.yaml with the stage's hook function names")
    .option('--stage <stage>', 'stage to render', 'dev')
    .option('--out <file>', 'write to a file instead of stdout')
    .action((options: { stage: string; out?: string }) => {
      setExitCode(runAppspecCommand(options, term));
    });

  return program;
};

/** Runs the CLI and returns its exit code; never throws. */
export const main = async (argv: readonly string[]): Promise<number> => {
  let exitCode: number = EXIT.ok;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; commander already printed its message
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`error: ${error.message.replace(/\n\s*/g, ' ')}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
};

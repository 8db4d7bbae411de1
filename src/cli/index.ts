/** Entry point of the bundled CLI (dist/cli.js). */
import { main } from './main';

// The SDK warns on every run under Node 20 that versions from 2027 on need Node 22; the CLI only
// talks to loopback endpoints, and the README states the supported versions.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A reader that stops early (`| head`, `| grep -m1`) closes the pipe: stop quietly, as Unix tools
// do, instead of crashing on the next write.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

#!/usr/bin/env node
// `upp-sandbox`: runs the sandbox front-end machine from a terminal. Prints its URL and the magic values, never
// the key (pass it through UPP_SANDBOX_KEY rather than --key, which other users can see in the process list).
import { parseArgs } from 'node:util';
import { DEFAULTS, type SandboxOptions } from './options';
import { MAGIC_SUMMARY } from './magic';
import { dropUndefined } from '../core/objects';
import { startSandbox } from './server';

const USAGE = `Usage: upp-sandbox [options]

A simulated UPP front-end machine (前置机) for development and tests.

Options:
  --port <n>          port to listen on (default ${DEFAULTS.port}; 0 = any free port)
  --host <addr>       address to listen on (default ${DEFAULTS.host})
  --prefix <path>     context prefix, e.g. /hs-access-facepay (default none)
  --profile <v1|v2>   signature value profile (default ${DEFAULTS.profile})
  --key <key>         signing key (default: env UPP_SANDBOX_KEY, else the sandbox's documented test key)
  --isv-id <id>       ISV id the requests must carry (default ${DEFAULTS.isvId})
  --partner-id <id>   merchant id the requests must carry (default ${DEFAULTS.partnerId})
  --slow-ms <ms>      delay of the "slow" fault (default ${DEFAULTS.slowMs})
  --public-url <url>  base of the cashier URLs in pay answers (default the server's own URL)
  --require-body      require "body" on scan-code and barcode orders (later front-ends)
  --no-data-sign      leave data.sign (the pay URL) out of the response signature
  --quiet             no access log
  -h, --help          show this help
`;

export function parseCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
): { help: true } | { help: false; options: SandboxOptions; keySource: string; quiet: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      prefix: { type: 'string' },
      profile: { type: 'string' },
      key: { type: 'string' },
      'isv-id': { type: 'string' },
      'partner-id': { type: 'string' },
      'slow-ms': { type: 'string' },
      'public-url': { type: 'string' },
      'require-body': { type: 'boolean' },
      'no-data-sign': { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true };
  const number = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text)) throw new TypeError(`--${name} must be a whole number (got ${JSON.stringify(text)})`);
    return Number(text);
  };
  const key = values.key ?? (env.UPP_SANDBOX_KEY || undefined);
  return {
    help: false,
    quiet: values.quiet ?? false,
    keySource: values.key ? '--key' : key ? 'env UPP_SANDBOX_KEY' : 'default test key (see docs/sandbox.md)',
    options: {
      port: number('port', values.port),
      host: values.host,
      prefix: values.prefix,
      profile: values.profile as SandboxOptions['profile'],
      key,
      isvId: values['isv-id'],
      partnerId: values['partner-id'],
      slowMs: number('slow-ms', values['slow-ms']),
      publicUrl: values['public-url'],
      requireBody: values['require-body'] ?? false,
      dataSignInCanonical: !values['no-data-sign'],
    },
  };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`upp-sandbox: ${(err as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return;
  }
  const { options, keySource, quiet } = parsed;
  const sandbox = await startSandbox({ ...options, log: quiet ? undefined : (text) => process.stdout.write(`${text}\n`) });
  const o = { ...DEFAULTS, ...dropUndefined({ ...options }) };
  process.stdout.write(
    [
      `UPP sandbox listening at ${sandbox.url}`,
      `  isvId ${o.isvId}, partnerId ${o.partnerId}, profile ${o.profile}, key: ${keySource}` +
        `${options.requireBody ? ', body required' : ''}${options.dataSignInCanonical ? '' : ', data.sign not signed'}, slow fault ${o.slowMs} ms`,
      `  paths: /access/{network,scancode|scanCode,barcode|barCode,query|paymentQuery,refund,refundQuery,close}`,
      `  control API: ${sandbox.origin}/_sandbox/ (requests, orders, refunds, faults, reset)`,
      ...MAGIC_SUMMARY.map((text) => `  ${text}`),
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`upp-sandbox: ${signal}, closing\n`);
    sandbox.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`upp-sandbox: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`upp-sandbox: ${(err as Error).message}\n`);
    process.exit(1);
  });
}

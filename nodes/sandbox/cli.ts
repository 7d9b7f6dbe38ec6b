#!/usr/bin/env node
// `upp-sandbox`: runs the sandbox front-end machine from a terminal. Prints its URL and the magic values, never
// the key (pass it through UPP_SANDBOX_KEY rather than --key, which other users can see in the process list).
import { parseArgs } from 'node:util';
import { EDITION_NAMES } from '../core/schema';
import { DEFAULTS, resolveOptions, type SandboxOptions } from './options';
import { MAGIC_SUMMARY } from './magic';
import { startSandbox } from './server';

const USAGE = `Usage: upp-sandbox [options]

A simulated UPP front-end machine (前置机) for development and tests.

Options:
  --port <n>          port to listen on (default ${DEFAULTS.port}; 0 = any free port)
  --host <addr>       address to listen on (default ${DEFAULTS.host})
  --prefix <path>     context prefix, e.g. /hs-access-facepay (default none)
  --edition <e>       front-end edition served, one of ${EDITION_NAMES.join(', ')} (default ${DEFAULTS.edition}):
                      only its paths and endpoints, body required from 2.2, faceCode and bills from 2.1
  --profile <v1|v2>   value profile requests are verified with (default the edition's: v2 for 2.3, else v1)
  --sign-variant <v>  how answers are signed: v1|v2|v2-mixed[/iso-time][/no-data-sign] (default the profile)
  --key <key>         signing key (default: env UPP_SANDBOX_KEY, else the sandbox's documented test key)
  --isv-id <id>       ISV id the requests must carry (default ${DEFAULTS.isvId})
  --partner-id <id>   merchant id the requests must carry (default ${DEFAULTS.partnerId})
  --slow-ms <ms>      delay of the "slow" fault (default ${DEFAULTS.slowMs})
  --public-url <url>  base of the cashier URLs in pay answers (default the server's own URL)
  --require-body      require "body" on pay orders even before edition 2.2
  --his-order-url <url>  the HIS real-time order view, asked before refunding a late payment (docs/his.md)
  --his-bill-url <url>   the HIS bill view, pulled by POST /_sandbox/reconcile (docs/his.md)
  --no-data-sign      leave data.sign (the pay URL) out of the response signature
  --quiet             no access log
  -h, --help          show this help
`;

const VALUE = { type: 'string' } as const;
const SWITCH = { type: 'boolean' } as const;
const FLAGS = {
  port: VALUE,
  host: VALUE,
  prefix: VALUE,
  edition: VALUE,
  profile: VALUE,
  'sign-variant': VALUE,
  key: VALUE,
  'isv-id': VALUE,
  'partner-id': VALUE,
  'slow-ms': VALUE,
  'public-url': VALUE,
  'his-order-url': VALUE,
  'his-bill-url': VALUE,
  'require-body': SWITCH,
  'no-data-sign': SWITCH,
  quiet: SWITCH,
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
): { help: true } | { help: false; options: SandboxOptions; keySource: string; quiet: boolean } {
  const { values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: FLAGS });
  if (values.help) return { help: true };
  const number = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text)) throw new TypeError(`--${name} must be a whole number (got ${JSON.stringify(text)})`);
    return Number(text);
  };
  const key = values.key ?? (env.UPP_SANDBOX_KEY || undefined);
  const options: SandboxOptions = {
    port: number('port', values.port),
    host: values.host,
    prefix: values.prefix,
    edition: values.edition as SandboxOptions['edition'],
    profile: values.profile as SandboxOptions['profile'],
    signVariant: values['sign-variant'],
    key,
    isvId: values['isv-id'],
    partnerId: values['partner-id'],
    slowMs: number('slow-ms', values['slow-ms']),
    publicUrl: values['public-url'],
    hisOrderUrl: values['his-order-url'],
    hisBillUrl: values['his-bill-url'],
    requireBody: values['require-body'] || undefined,
    dataSignInCanonical: values['no-data-sign'] ? false : undefined,
  };
  resolveOptions(options); // a bad edition, profile or variant is a usage error (exit 2), before anything listens
  return {
    help: false,
    quiet: values.quiet ?? false,
    keySource: values.key ? '--key' : key ? 'env UPP_SANDBOX_KEY' : 'default test key (see docs/sandbox.md)',
    options,
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
  const o = sandbox.info();
  const paths = Object.values(o.endpoints as Record<string, string>).map((path) => path.slice(path.lastIndexOf('/') + 1));
  process.stdout.write(
    [
      `UPP sandbox listening at ${sandbox.url}`,
      `  edition ${String(o.edition)}, isvId ${String(o.isvId)}, partnerId ${String(o.partnerId)}, profile ${String(o.profile)}, key: ${keySource}, ` +
        `answers signed ${String(o.signVariant)}${o.requireBody ? ', body required' : ''}, slow fault ${String(o.slowMs)} ms`,
      `  paths: ${String(o.prefix)}/access/{${paths.join(',')}}`,
      `  control API: ${sandbox.origin}/_sandbox/ (requests, orders, refunds, faults, reset, late-payments, his, reconcile, bills)`,
      `  HIS views: order ${sandbox.his.settings.orderUrl ?? '(none: --his-order-url)'}, bill ${sandbox.his.settings.billUrl ?? '(none: --his-bill-url)'}`,
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

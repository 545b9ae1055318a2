/**
 * The `panorama-usb` command line: the DESIGN.md contract, parsed with commander. Every command
 * goes through the same runtime (JSON output, exit codes, confirmation, cancellation), so the
 * conventions hold for commands that land later without each re-implementing them.
 */
import { Command, CommanderError, Option } from 'commander';
import { PRODUCT } from '../core/app/product';
import { refused } from '../core/errors';
import { CliRuntime, processIo, type CliIo, type CommandOutcome, type GlobalOptions } from './runtime';

type Action = (runtime: CliRuntime, args: string[], options: Record<string, unknown>) => Promise<CommandOutcome>;

/**
 * A command's code is loaded only when that command runs: the AWS SDK, FatFs, PDFKit and the zip
 * libraries take ~0.3 s to load, which `--version`, `--help` and a script calling the CLI once
 * per drive should not pay. (esbuild turns these dynamic imports into modules initialised on
 * first use, so the packages they require load then too.)
 */
type ActionLoader = () => Promise<Action>;

const infoAction: Action = async () => {
  const { DRIVE_ACCESS_WORDS, getAppInfo, platformSupportWords } = await import('../core/app/info');
  const info = getAppInfo({ name: PRODUCT.name, version: PRODUCT.version, shell: 'cli', trainingMode: false, trainingModeLocked: false });
  const text = [
    `${PRODUCT.productName} ${info.version}`,
    `platform: ${info.platform} ${info.arch}, node ${info.versions.node}`,
    `drive access: ${DRIVE_ACCESS_WORDS[info.driveAccess]}`,
    `platform status: ${platformSupportWords(info.platform, info.platformSupport)}`,
  ].join('\n');
  return { data: { info }, text };
};

interface CommandSpec {
  name: string;
  summary: string;
  build: (command: Command) => Command;
  load: ActionLoader;
}

const archiveCommands = () => import('./commands/archive');
const driveCommands = () => import('./commands/drives');
const localCommands = () => import('./commands/local');
const registrationCommands = () => import('./commands/registration');

const COMMANDS: readonly CommandSpec[] = [
  { name: 'info', summary: 'show the version, platform and whether raw drive access is possible', build: (c) => c, load: () => Promise.resolve(infoAction) },
  {
    name: 'drives',
    summary: 'list drives and whether each can be used',
    build: (c) =>
      c
        .option('--all', 'also show refused drives with the reason')
        .addOption(new Option('--for <purpose>', 'judge drives for writing an archive for the appliance (≥ 1 GB), or for sanitizing (any size)').choices(['provision', 'sanitize']).default('provision')),
    load: async () => (await driveCommands()).drivesCommand,
  },
  { name: 'inspect', summary: 'inspect a configuration archive in memory', build: (c) => c.argument('<archive>', 'certificates-omni_<name>.zip'), load: async () => (await archiveCommands()).inspectCommand },
  {
    name: 'site-checklist',
    summary: "the router and firewall rules the appliance's site needs, from its archive or network file",
    build: (c) => c.argument('[archive]', 'certificates-omni_<name>.zip (read in memory, like inspect)').option('--network <file>', 'network configuration JSON instead of an archive').option('--region <region>', 'the region the device is registered in'),
    load: async () => (await import('./commands/site')).siteChecklistCommand,
  },
  {
    name: 'iam-policy',
    summary: 'print the least-privilege IAM policy for the Panorama calls this app makes',
    build: (c) =>
      c
        .addOption(new Option('--role <role>', 'technician: provision, follow, update; it-staff: also decommission').choices(['technician', 'it-staff']).default('technician'))
        .option('--region <region>', 'limit the per-device actions to this region')
        .option('--account <id>', 'limit the per-device actions to this account'),
    load: async () => (await import('./commands/iam')).iamPolicyCommand,
  },
  {
    name: 'format',
    summary: 'write an MBR and a FAT32 volume to a drive or image',
    build: (c) => c.argument('<target>', 'block device or image file').option('--label <name>', 'volume label', 'PANORAMA').option('--unmount', "unmount the drive's own mounted volumes first (named in the confirmation)"),
    load: async () => (await driveCommands()).formatCommand,
  },
  {
    name: 'eject',
    summary: 'make a drive safe to remove: power a USB drive off, detach a loop device',
    build: (c) => c.argument('<target>', 'block device').option('--unmount', "unmount the drive's own mounted volumes first"),
    load: async () => (await driveCommands()).ejectCommand,
  },
  {
    name: 'check',
    summary: 'check that a drive holds what it claims (finds counterfeit sticks); destructive unless --quick --keep-data',
    build: (c) =>
      c
        .argument('<target>', 'block device or image file')
        .option('--quick', 'a sample of at least 1024 blocks and a bisection, instead of every block')
        .option('--keep-data', 'with --quick: save the blocks it overwrites and put them back')
        .option('--unmount', "unmount the drive's own mounted volumes first (named in the confirmation)"),
    load: async () => (await import('./commands/check')).checkCommand,
  },
  { name: 'files', summary: "list the files on the drive's FAT volume", build: (c) => c.argument('<target>', 'block device or image file'), load: async () => (await driveCommands()).filesCommand },
  {
    name: 'write',
    summary: 'format if needed, write the archive to the root, verify',
    build: (c) => c.argument('<archive>', 'certificates-omni_<name>.zip').argument('<target>', 'block device or image file').option('--no-format', 'keep the existing FAT32 volume').option('--unmount', "unmount the drive's own mounted volumes first (named in the confirmation)"),
    load: async () => (await archiveCommands()).writeCommand,
  },
  {
    name: 'provision',
    summary: 'create the device with ProvisionDevice and stream its archive to the drive',
    build: (c) =>
      c
        .requiredOption('--name <name>', 'device name')
        .requiredOption('--target <target>', 'block device or image file')
        .option('--description <text>')
        .option('--network <file>', 'network configuration JSON (Ethernet0, Ethernet1, Ntp)')
        .option('--region <region>')
        .option('--endpoint <url>', 'https endpoint, or the simulator at http://127.0.0.1:PORT')
        .option('--profile <profile>', 'AWS shared-config profile')
        .option('--unmount', "unmount the drive's own mounted volumes first (named in the confirmation)"),
    load: async () => (await registrationCommands()).provisionCommand,
  },
  {
    name: 'monitor',
    summary: 'watch a device register',
    build: (c) =>
      c
        .option('--device-id <id>')
        .option('--archive <file>', 'find the device by the name in its archive instead')
        .option('--region <region>')
        .option('--endpoint <url>')
        .option('--profile <profile>')
        .option('--timeout <seconds>', 'give up after this long', '900'),
    load: async () => (await registrationCommands()).monitorCommand,
  },
  {
    name: 'update',
    summary: 'install the latest appliance software (OTA job) and follow it',
    build: (c) => c.requiredOption('--device-id <id>').option('--region <region>').option('--endpoint <url>').option('--profile <profile>'),
    load: async () => (await registrationCommands()).updateCommand,
  },
  {
    name: 'decommission',
    summary: 'delete the device from the account and show how to reset the appliance',
    build: (c) => c.requiredOption('--device-id <id>').option('--region <region>').option('--endpoint <url>').option('--profile <profile>'),
    load: async () => (await registrationCommands()).decommissionCommand,
  },
  {
    name: 'collect-logs',
    summary: "copy the appliance's logs from the drive into a support bundle",
    build: (c) => c.argument('<target>', 'block device or image file').requiredOption('--out <bundle>', 'the support bundle to create (BUNDLE.zip); never overwritten'),
    load: async () => (await import('./commands/collect-logs')).collectLogsCommand,
  },
  {
    name: 'sanitize',
    summary: 'overwrite drives (NIST SP 800-88 Clear) and reformat them',
    build: (c) =>
      c
        .argument('<targets...>')
        .addOption(new Option('--method <method>', 'quick: partition table, metadata, first and last MiB only; zero / random: one full pass; random-zero: both').choices(['quick', 'zero', 'random', 'random-zero']).makeOptionMandatory())
        .addOption(new Option('--verify <mode>', 'read back the last pass, every pass, or nothing (not Clear)').choices(['last', 'all', 'off']).default('last'))
        .option('--certificate <dir>', 'write a certificate of sanitization (JSON + PDF) per drive here')
        .option('--unmount', "unmount the drive's own mounted volumes first (named in the confirmation)"),
    load: async () => (await import('./commands/sanitize')).sanitizeCommand,
  },
  { name: 'shred', summary: 'overwrite and delete local files (says when the storage cannot guarantee it)', build: (c) => c.argument('<files...>'), load: async () => (await localCommands()).shredCommand },
  {
    name: 'scan-leftovers',
    summary: 'find configuration archives left on this computer',
    build: (c) => c.argument('[dirs...]', 'folders to search (default: Downloads, Desktop, Documents, the temp folder)'),
    load: async () => (await localCommands()).scanLeftoversCommand,
  },
  {
    name: 'audit',
    summary: 'show, verify or export the hash-chained audit log',
    build: (c) =>
      c
        .option('--data-dir <dir>', 'folder holding audit.jsonl (default: PANORAMA_USB_DATA_DIR, else the per-user configuration folder)')
        .option('--verify', 'check the whole chain; exit 1 (AUDIT_CHAIN_BROKEN) if an entry was edited, removed, moved or cut short')
        .option('--export <file>', 'copy the log to a new file (never overwritten) and print its SHA-256'),
    load: async () => (await import('./commands/audit')).auditCommand,
  },
  {
    name: 'pending',
    summary: 'list what earlier sessions left unfinished, with the command that finishes each',
    build: (c) => c,
    load: async () => (await import('./commands/pending')).pendingCommand,
  },
  {
    name: 'simulate',
    summary: 'run the Panorama API simulator',
    build: (c) =>
      c
        .option('--host <host>', 'loopback address to listen on', '127.0.0.1')
        .option('--port <port>', 'port (default: any free one)')
        .option('--scenario <name>', 'success, slow-registration, expired-certificate, no-archive, archive-in-folder, two-archives, drive-not-fat32, network-failure, server-errors, access-denied, quota-exceeded, update-available', 'success')
        .option('--state <file>', 'keep devices and jobs in this file across restarts'),
    load: async () => (await import('./commands/simulate')).simulateCommand,
  },
  {
    name: 'appliance',
    summary: 'simulated appliance: read one drive and register',
    build: (c) => c.requiredOption('--drive <target>').requiredOption('--endpoint <url>', "the simulator's endpoint"),
    load: async () => (await registrationCommands()).applianceCommand,
  },
];

/** Commander's own parse errors are refusals of the input: exit 2 with a typed code. */
function commanderErrorCode(error: CommanderError): string {
  switch (error.code) {
    case 'commander.unknownCommand':
      return 'UNKNOWN_COMMAND';
    case 'commander.unknownOption':
      return 'UNKNOWN_OPTION';
    case 'commander.missingArgument':
    case 'commander.missingMandatoryOptionValue':
    case 'commander.optionMissingArgument':
      return 'MISSING_ARGUMENT';
    case 'commander.invalidArgument':
      return 'INVALID_ARGUMENT';
    case 'commander.excessArguments':
      return 'TOO_MANY_ARGUMENTS';
    default:
      return 'BAD_ARGUMENTS';
  }
}

/** Commander hands positional arguments over as a string, a string[] (variadic) or undefined. */
function toStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

/**
 * With PANORAMA_USB_TRACE_STARTUP=1, says on stderr how long after the process started the
 * command's own code began (its modules loaded, before its first I/O): `npm run bench -- cli`
 * reports it for every command.
 */
function traceStartup(command: string): void {
  if (process.env['PANORAMA_USB_TRACE_STARTUP'] !== '1') return;
  process.stderr.write(`startup ${command} ${performance.now().toFixed(1)} ms\n`);
}

function globalsFrom(argv: readonly string[]): GlobalOptions {
  const end = argv.indexOf('--');
  const flags = end === -1 ? argv : argv.slice(0, end);
  return { json: flags.includes('--json'), yes: flags.includes('--yes') || flags.includes('-y'), verbose: flags.includes('--verbose') };
}

export async function runCli(argv: readonly string[], io: CliIo = processIo(), runtimeHook?: (runtime: CliRuntime) => void, diskWorkerScript?: string): Promise<number> {
  const runtime = new CliRuntime(globalsFrom(argv), io, diskWorkerScript);
  runtimeHook?.(runtime);
  let captured = '';
  const state: { outcome: CommandOutcome | null } = { outcome: null };

  const program = new Command(PRODUCT.name)
    .description(`${PRODUCT.productName}: provision AWS Panorama appliances from a USB drive, then sanitize it.`)
    .version(PRODUCT.version, '-V, --version', 'print the version')
    .option('--json', 'print exactly one JSON document on stdout')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--verbose', 'print more detail on stderr')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => {
        captured += text;
      },
      writeErr: (text) => {
        captured += text;
      },
      outputError: () => {
        // Errors are reported once, by runtime.fail, in the contract's format.
      },
    })
    .addHelpText(
      'after',
      '\nTARGET is a block device path or an image file path.\nExit codes: 0 done, 1 failed, 2 input refused, 3 cancelled or timed out.',
    );

  for (const spec of COMMANDS) {
    // addCommand does not pass on exitOverride / configureOutput: copy them so subcommand errors follow the contract too.
    const command = spec.build(new Command(spec.name).copyInheritedSettings(program).description(spec.summary));
    command.action(async (...parameters: unknown[]) => {
      // commander passes: ...positional arguments, options, the command itself.
      const self = parameters.at(-1) as Command;
      const options = self.opts<Record<string, unknown>>();
      const positional = parameters.slice(0, -2).flatMap(toStrings);
      const action = await spec.load();
      traceStartup(spec.name);
      state.outcome = await action(runtime, positional, options);
    });
    program.addCommand(command);
  }

  try {
    await program.parseAsync(['node', PRODUCT.name, ...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version') {
        const asked = error.exitCode === 0;
        if (runtime.globals.json) {
          if (!asked) return runtime.fail(refused('NO_COMMAND', 'No command was given.', `Run ${PRODUCT.name} --help to see the commands.`));
          const field = error.code === 'commander.version' ? { version: PRODUCT.version } : { help: captured };
          return runtime.succeed({ data: field, text: '' });
        }
        (asked ? io.stdout : io.stderr)(captured);
        return asked ? 0 : 2;
      }
      const message = error.message.replace(/^error: /, '');
      return runtime.fail(refused(commanderErrorCode(error), `${message.charAt(0).toUpperCase()}${message.slice(1)}.`.replace(/\.\.$/, '.'), `Run ${PRODUCT.name} --help for usage.`));
    }
    return runtime.fail(error);
  }
  if (state.outcome === null) return runtime.fail(refused('NO_COMMAND', 'No command was given.', `Run ${PRODUCT.name} --help to see the commands.`));
  return runtime.succeed(state.outcome);
}

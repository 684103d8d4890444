#!/usr/bin/env node
/** tsvisor command line: one subcommand per file under commands/. */
import { runCli } from './cli.js';

// Exit explicitly: stdin may still hold the event loop open once the machine is done.
process.exit(await runCli(process.argv.slice(2)));

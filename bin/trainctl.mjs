#!/usr/bin/env node
// Entry point of the `trainctl` CLI: TypeScript sources run through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../client/cli.ts');
const code = await main(process.argv);
process.exitCode = code;

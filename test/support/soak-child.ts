// Child-process entry for the soak bench (test/bench/soak.ts): runs one soak in a fresh Node process, so its RSS and
// heap are not mixed with the other bench modules', and prints the SoakResult as one JSON line on stdout.
//   node dist/test/support/soak-child.js '{"calls":100,"audioMs":1000,"codecs":["ulaw","g722"],"every":25}'
import { runSoak, type SoakOptions } from './soak-run.js';

const options = JSON.parse(process.argv[2] ?? '{}') as SoakOptions;
const result = await runSoak(options);
process.stdout.write(JSON.stringify(result) + '\n');
process.exit(0);

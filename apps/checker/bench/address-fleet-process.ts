/**
 * The sweep's healthy proxies, in a process of their own: one listener on which every 127.x.y.z (addressFleetHost)
 * is an elite HTTP proxy exiting by its own address, so tens of thousands of healthy proxies cost a handful of
 * descriptors at rest. Their requests go to the judge of fleet-process.ts. Its connections (two per request in
 * flight) stay apart from the fleet process's black holes and judge, each process within its own open-file
 * limit. Prints `READY <json>` and runs until its stdin closes. Loopback only.
 */
import { startAddressFleet } from '@proxy-pool/test-kit';

const fleet = await startAddressFleet();
process.stdout.write(`READY ${JSON.stringify({ port: fleet.port })}\n`);

const stop = async () => {
  await fleet.close();
  process.exit(0);
};
process.stdin.resume();
process.stdin.once('end', () => void stop());
process.stdin.once('close', () => void stop());

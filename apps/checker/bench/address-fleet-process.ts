/**
 * The sweep's healthy proxies, in a process of their own: `LISTENERS` (8) listeners, on each of which every
 * 127.x.y.z (addressFleetHost) is an elite HTTP proxy exiting by its own address, so tens of thousands of
 * healthy proxies cost a handful of descriptors at rest. Several listeners, so that thousands of connects at
 * once spread over several accept queues, as they would over thousands of real proxies. Their requests go to
 * the judge of fleet-process.ts. Its connections (two per request in flight) stay apart from the fleet
 * process's black holes and judge, each process within its own open-file limit. Prints `READY <json>` (the
 * ports) and runs until its stdin closes. Loopback only.
 */
import { startAddressFleet } from '@proxy-pool/test-kit';

const listeners = Number(process.env.LISTENERS ?? 8);
const fleets = await Promise.all(Array.from({ length: listeners }, () => startAddressFleet()));
process.stdout.write(`READY ${JSON.stringify({ ports: fleets.map((fleet) => fleet.port) })}\n`);

const stop = async () => {
  await Promise.all(fleets.map((fleet) => fleet.close()));
  process.exit(0);
};
process.stdin.resume();
process.stdin.once('end', () => void stop());
process.stdin.once('close', () => void stop());

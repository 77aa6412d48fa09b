/**
 * The V8 flags the checker runs with, wherever it is started: `npm start` and the checker's own start script
 * (package.json), the image's NODE_OPTIONS (docker/Dockerfile) and the benchmarks that run it (bench:checker,
 * bench:steady, and the processes bench:checker and bench:pipeline spawn).
 *
 * A validation allocates sockets, buffers, promises and rows that live for its few milliseconds; with thousands
 * in flight, V8's default 16 MiB semi-spaces fill several times a second and every scavenge copies (and soon
 * promotes) the whole in-flight set. 64 MiB semi-spaces make scavenges ~4x rarer: `bench:checker` measured the
 * checker's CPU per validation 0.47 → 0.37–0.42 ms and the sweep's 0.325 → 0.283 ms, for at most ~128 MiB more
 * young-generation memory (committed only as it fills).
 */
export const CHECKER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

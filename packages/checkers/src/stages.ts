/**
 * The stage of each built-in checker: the checkers declare theirs from here, and roles that never build the
 * pipeline (the maintenance worker deciding which proxies never passed it) read the last one from here.
 */
export const BUILTIN_CHECKER_STAGES = { tcp_connect: 1, http_anonymity: 2, geoip: 3 } as const;

/** The built-in pipeline's last stage: a validation that passed it passed every stage. */
export const BUILTIN_FINAL_STAGE: number = Math.max(...Object.values(BUILTIN_CHECKER_STAGES));

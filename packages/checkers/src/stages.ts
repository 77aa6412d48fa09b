/**
 * The stage of each built-in checker: the checkers declare theirs from here, and roles that never build the
 * pipeline (the maintenance worker deciding which proxies never passed it) read the last one from here.
 * tls_integrity runs last, only for proxies that passed the others, and is advisory: its failure (a MITM
 * certificate) marks the proxy `mitm` without failing the validation.
 */
export const BUILTIN_CHECKER_STAGES = {
  tcp_connect: 1,
  http_anonymity: 2,
  geoip: 3,
  exit_network: 3,
  tls_integrity: 4,
} as const;

/** Built-in checkers whose failure is recorded but does not fail the validation. */
export const BUILTIN_ADVISORY_CHECKERS: readonly (keyof typeof BUILTIN_CHECKER_STAGES)[] = ['tls_integrity'];

/** The built-in pipeline's last non-advisory stage: a validation that passed it passed every stage. */
export const BUILTIN_FINAL_STAGE: number = Math.max(
  ...Object.entries(BUILTIN_CHECKER_STAGES)
    .filter(([name]) => !(BUILTIN_ADVISORY_CHECKERS as readonly string[]).includes(name))
    .map(([, stage]) => stage),
);

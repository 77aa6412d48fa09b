import type { Anonymity as ContractAnonymity, ProxyProtocol as ContractProtocol } from '@proxy-pool/plugin-contracts';
import type { Anonymity, ProxyProtocol } from '../generated/client/index.js';

type SameMembers<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;

/**
 * Protocols and anonymity levels exist twice: as the plugin contracts' lists (`PROXY_PROTOCOLS`,
 * `ANONYMITY_LEVELS`, what plugins and the API validate with) and as the enums Prisma generates from
 * prisma/schema.prisma (the column types). Values pass between them unconverted, so they must name exactly the
 * same members: these lines fail the build when one side changes without the other.
 */
export type EnumParity = [
  Holds<SameMembers<ProxyProtocol, ContractProtocol>>,
  Holds<SameMembers<Anonymity, ContractAnonymity>>,
];

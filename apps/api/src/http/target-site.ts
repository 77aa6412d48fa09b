import { siteOf } from '@proxy-pool/site-host';
import { z } from 'zod';

/** `target`: a URL or a bare host, parsed to its site (the registrable domain, siteOf), the key of per-site figures. */
export const targetSiteSchema = z
  .string()
  .max(2048)
  .refine((target) => siteOf(target) !== null, 'must be a URL or a host name')
  .transform((target) => siteOf(target) as string);

import { GatewayParamError, parseParamList, parseUsername, type SteeringParams } from '@proxy-pool/db';
import { GatewayError } from '../gateway-error.js';
import type { AllowedClients } from './allowed-clients.js';
import type { KeyHolders } from './key-holders.js';

/** Who pays for a connection and what they asked for. */
export interface GatewayClient {
  userId: string;
  apiKeyId: string;
  params: SteeringParams;
}

export interface Authenticators {
  keyHolders: KeyHolders;
  allowedClients: AllowedClients;
}

/**
 * Proxy credentials (username = handle and parameters, password = API key) when given; otherwise the client
 * address must be on an allowlist, whose entry supplies the key and the default parameters. The parameters are
 * checked before the key, so a malformed username is reported as such whatever the password.
 */
export async function authenticate(
  auth: Authenticators,
  credentials: { username: string; password: string } | undefined,
  clientAddress: string,
): Promise<GatewayClient> {
  if (credentials === undefined) {
    const allowed = await auth.allowedClients.lookup(clientAddress);
    if (allowed === null)
      throw new GatewayError(
        'PROXY_AUTH_REQUIRED',
        'Proxy credentials required: username = any handle with parameters, password = your API key.',
      );
    return {
      userId: allowed.userId,
      apiKeyId: allowed.apiKeyId,
      params: steering(() => parseParamList(allowed.params)),
    };
  }
  const params = steering(() => parseUsername(credentials.username));
  const holder = await auth.keyHolders.holderOf(credentials.password);
  if (holder === null) throw new GatewayError('INVALID_CREDENTIALS', 'The password is not a live API key.');
  return { userId: holder.userId, apiKeyId: holder.apiKeyId, params };
}

/** The parameters, or the gateway's refusal naming what is wrong with them. */
function steering(parse: () => SteeringParams): SteeringParams {
  try {
    return parse();
  } catch (error) {
    if (error instanceof GatewayParamError) throw new GatewayError(error.code, error.message);
    throw error;
  }
}

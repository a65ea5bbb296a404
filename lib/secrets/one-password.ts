/** The part of the 1Password SDK this worker uses. */
export type OnePasswordSdk = {
  createClient(config: { auth: string; integrationName: string; integrationVersion: string }): Promise<{ secrets: { resolve(reference: string): Promise<string> } }>;
};

export type OnePasswordReader = (reference: string) => Promise<string>;

/** `op://vault/item/field`, the reference form the original resolves. */
export function onePasswordReference(entry: { vault_name: string; item_name: string; field_name: string }): string {
  return `op://${entry.vault_name}/${entry.item_name}/${entry.field_name}`;
}

/**
 * Resolves secret references with a 1Password service account. The SDK (a WebAssembly core of
 * several MB) is loaded on the first secret only, and one client serves the whole process.
 */
export function createOnePasswordReader(token: string, loadSdk: () => Promise<OnePasswordSdk> = () => import('@1password/sdk')): OnePasswordReader {
  let client: ReturnType<OnePasswordSdk['createClient']> | undefined;
  return async (reference) => {
    client ??= loadSdk().then((sdk) => sdk.createClient({ auth: token, integrationName: 'optexity-worker-ts', integrationVersion: '0.1.0' }));
    try {
      return await (await client).secrets.resolve(reference);
    } catch (error) {
      // A failed sign-in must not stick: the next task tries again.
      client = undefined;
      throw error;
    }
  };
}

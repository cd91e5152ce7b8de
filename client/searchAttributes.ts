import type { Client } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../lib/config/searchAttributes';

/** temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD (the proto package is not a direct dependency). */
const INDEXED_VALUE_TYPE_KEYWORD = 2;

const checked = new Map<string, Promise<SearchAttributeCheck>>();

export interface SearchAttributeCheck {
  ok: boolean;
  /** Why runs go without search attributes (the pipeline still runs). */
  warning?: string;
}

/**
 * Are trainctl's search attributes registered on the server? Registers the missing ones (the dev
 * server and a self-hosted cluster accept it; Temporal Cloud registers them in its UI or with tcld).
 * A failure is a warning, never an error: runs then start without them and skip the upserts.
 * Once per process and namespace.
 */
export function ensureSearchAttributes(client: Client, namespace: string): Promise<SearchAttributeCheck> {
  let pending = checked.get(namespace);
  if (!pending) {
    pending = check(client, namespace);
    checked.set(namespace, pending);
  }
  return pending;
}

async function check(client: Client, namespace: string): Promise<SearchAttributeCheck> {
  const operator = client.connection.operatorService;
  const names = Object.keys(SEARCH_ATTRIBUTES);
  try {
    const existing = await operator.listSearchAttributes({ namespace });
    const missing = names.filter((n) => !(n in (existing.customAttributes ?? {})));
    if (missing.length === 0) return { ok: true };
    await operator.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((n) => [n, INDEXED_VALUE_TYPE_KEYWORD])),
    });
    return { ok: true };
  } catch (err) {
    const detail = (err as Error).message.split('\n')[0];
    return {
      ok: false,
      warning: `search attributes ${names.join(', ')} are not registered on namespace ${namespace} and could not be registered (${detail}); runs work, but cannot be filtered by them in the Web UI`,
    };
  }
}

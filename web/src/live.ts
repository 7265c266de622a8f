// The link to Cargolive's /graphql socket (graphql-transport-ws, through graphql-ws): queries and
// the waybillTracking subscription share one connection, which comes back by itself with
// exponential backoff and jitter after a drop.
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';

export type LinkState = 'connecting' | 'live' | 'reconnecting';

/** Full jitter over an exponential ceiling: 0.5 s, 1 s, 2 s … capped at 30 s. */
export function backoff(retries: number, random: () => number = Math.random): number {
  const ceiling = Math.min(30_000, 500 * 2 ** retries);
  return ceiling / 2 + random() * (ceiling / 2);
}

/** ws(s)://host/graphql for an API origin given as http(s)://host. */
export function socketUrl(api: string): string {
  const url = new URL('/graphql', api);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

export function openLink(api: string, onState: (state: LinkState) => void): Client {
  return createClient({
    url: socketUrl(api),
    lazy: true,
    // Keep the socket between the first query and the subscription that follows it.
    lazyCloseTimeout: 3_000,
    retryAttempts: Infinity,
    // Any drop is worth another try (a restart, a deploy, a phone changing networks); graphql-ws
    // itself gives up on the close codes that say retrying cannot help.
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, backoff(retries))),
    keepAlive: 15_000,
    on: {
      connecting: (isRetry) => onState(isRetry ? 'reconnecting' : 'connecting'),
      connected: () => onState('live'),
      closed: () => onState('reconnecting'),
    },
  });
}

export function query<T>(
  client: Client,
  document: string,
  variables: Record<string, unknown>,
): Promise<FormattedExecutionResult<T, unknown>> {
  return new Promise((resolve, reject) => {
    let result: FormattedExecutionResult<T, unknown> | undefined;
    client.subscribe<T>(
      { query: document, variables },
      {
        next: (value) => (result = value),
        error: reject,
        complete: () => (result ? resolve(result) : reject(new Error('no result'))),
      },
    );
  });
}

export interface Resumable {
  /** The cursor of the last item shown: a resumed subscription asks for what follows it. */
  advance(cursor: string): void;
  dispose(): void;
}

/**
 * Subscribes from `after`; after a drop, graphql-ws reconnects and sends this same request
 * object again, so `advance` (called for every item shown) makes the resumed subscription ask
 * only for the events that came after the last one on screen.
 */
export function subscribeFrom<T>(
  client: Client,
  document: string,
  variables: Record<string, unknown> & { after: string | null },
  sink: { next(data: T): void; error(error: unknown): void },
): Resumable {
  const request = { query: document, variables: { ...variables } };
  const dispose = client.subscribe<T>(request, {
    next: (result) => {
      if (result.errors?.length) sink.error(result.errors);
      else if (result.data) sink.next(result.data as T);
    },
    error: sink.error,
    complete: () => undefined,
  });
  return {
    advance: (cursor) => {
      request.variables.after = cursor;
    },
    dispose,
  };
}

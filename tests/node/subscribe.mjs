// Subscribes with graphql-ws (the reference graphql-transport-ws client) and prints each
// payload as one JSON line; exits after COUNT payloads. Usage: URL TOKEN QUERY VARIABLES COUNT
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, token, query, variables, count] = process.argv.slice(2);
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: token ? { authorization: `Bearer ${token}` } : {},
  retryAttempts: 0,
});
let received = 0;
const done = client.subscribe(
  { query, variables: JSON.parse(variables) },
  {
    next: (payload) => {
      process.stdout.write(JSON.stringify(payload) + '\n');
      if (++received >= Number(count)) {
        client.dispose();
        process.exit(0);
      }
    },
    error: (error) => {
      process.stderr.write(`error: ${JSON.stringify(error?.message ?? error)}\n`);
      process.exit(2);
    },
    complete: () => process.exit(received >= Number(count) ? 0 : 3),
  },
);
process.stdout.write('subscribed\n');

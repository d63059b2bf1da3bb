// autocannon in its own process (bench/server.ts runs it): `node bench/load-child.mjs URL SECONDS KEY`,
// the body template on stdin, every `[<id>]` in it made unique per request. Prints autocannon's result as JSON.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [url, seconds, key] = process.argv.slice(2);
const template = readFileSync(0, 'utf8');
let counter = 0;
const result = await autocannon({
  url,
  connections: 16,
  duration: Number(seconds),
  requests: [
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      setupRequest: (request) => ({
        ...request,
        body: template.replaceAll('[<id>]', `${process.pid}-${counter++}`),
      }),
    },
  ],
});
process.stdout.write(JSON.stringify(result));

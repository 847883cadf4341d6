// `npm run bench:liveness [-- --clients 30 --seconds 30 --queue 8 --uploader-nice 10]`: the built
// service on its defaults except MAX_QUEUED_RECOGNITIONS; `clients` send 0.4-2 MB photos back to back
// (more than the pipeline and its queue hold, so many are refused) while /health/live is timed every
// 20 ms from another process. The uploaders stand for clients on other machines, so by default they
// run at nice 10 on these shared cores (--uploader-nice 0: at the server's priority).
// Prints the liveness latencies and how fast the refusals came.
import { parseArgs } from 'node:util';
import { largePhotos, overload } from './lib/overload.js';
import { npmSample } from './lib/photos.js';
import { startServer } from './lib/server.js';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '30' },
    seconds: { type: 'string', default: '30' },
    queue: { type: 'string', default: '8' },
    'uploader-nice': { type: 'string', default: '10' },
  },
});

const server = await startServer({ RATE_LIMIT_PER_MINUTE: '0', MAX_QUEUED_RECOGNITIONS: args.queue });
try {
  const photos = await largePhotos([1, 3, 6].map(npmSample));
  const report = await overload(server.url, photos, Number(args.clients), Number(args.seconds) * 1000, {
    uploaderNice: Number(args['uploader-nice']),
  });
  process.stdout.write(`uploaders at nice ${args['uploader-nice']}\n`);
  process.stdout.write(`${report.summary}\n`);
} finally {
  await server.stop();
}

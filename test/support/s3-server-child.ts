import { AddressInfo } from 'node:net';
import { serveS3 } from './s3-server';

/** Runs the test S3 server (startS3Server's child): prints its port, stops on SIGTERM. */
void serveS3(process.argv[2]).then((server) => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
  process.once('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
});

/**
 * An S3 revision: the appspec is read with the real S3 client (path-style, against a loopback
 * endpoint that answers GetObject), and a denied read names the bucket param to set.
 */
import http from 'node:http';
import { S3Client } from '@aws-sdk/client-s3';
import { createDiscoveryClients } from '../../../src/aws/codeDeployClients';
import { createGreenDiscovery } from '../../../src/discovery/discoverGreen';
import { readS3Text } from '../../../src/discovery/readS3Revision';
import { closeServer, listenOnLoopback } from '../../../src/local/loopback';
import { LoopbackDeployment } from '../../../src/local/loopbackDeployment';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('S3 revisions', () => {
  it('reads the appspec from S3 for the facts, and names the bucket param when denied', async () => {
    const world = await LoopbackDeployment.start();
    const objects = new Map([
      ['/revisions/shop/appspec.yaml', world.world.appSpecFor(world.world.green)],
    ]);
    const requests: string[] = [];
    const s3 = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      const body = objects.get((req.url ?? '').split('?')[0] ?? '');
      if (!body) {
        res.writeHead(403, { 'content-type': 'application/xml' });
        res.end('<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/yaml' });
      res.end(body);
    });
    const s3Url = await listenOnLoopback(s3);
    try {
      world.route('test', 'green');
      Object.assign(process.env, world.awsEnv());
      const client = new S3Client({ endpoint: s3Url, forcePathStyle: true, region: 'us-east-1' });
      const discover = createGreenDiscovery({
        ...createDiscoveryClients({ maxAttempts: 2 }),
        readS3: (bucket, key, signal) => readS3Text(bucket, key, signal, client),
      });
      const g = world.world.group;
      const fromS3 = world.codeDeploy.addDeployment(
        g.applicationName,
        g.deploymentGroupName,
        'InProgress',
        {
          s3Revision: { bucket: 'revisions', key: 'shop/appspec.yaml' },
        },
      );
      const green = await discover({
        deploymentId: fromS3,
        routingProof: true,
        signal: new AbortController().signal,
      });
      expect(green.facts.values['container.sample-website.imageTag']).toBe('v2');
      expect(requests).toEqual(['GET /revisions/shop/appspec.yaml?x-id=GetObject']);

      const denied = world.codeDeploy.addDeployment(
        g.applicationName,
        g.deploymentGroupName,
        'InProgress',
        {
          s3Revision: { bucket: 'other', key: 'appspec.yaml' },
        },
      );
      const partial = await discover({
        deploymentId: denied,
        routingProof: true,
        signal: new AbortController().signal,
      });
      expect(partial.facts.unavailable).toMatch(
        /s3:GetObject was denied \(AccessDenied\): the hook role needs s3:GetObject on arn:aws:s3:::other\/appspec\.yaml \(list the bucket in the stage's revisionBuckets param\)/,
      );
    } finally {
      await closeServer(s3);
      await world.stop();
    }
  });
});

/**
 * An S3 revision's appspec. The S3 client comes from the Lambda runtime's SDK and is loaded only
 * here: most deployments carry their appspec inline (AppSpecContent).
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkClientConfig } from '../aws/clients';
import { awsRead } from './awsRead';

let defaultClient: S3Client | undefined;

/** With `client`, that one (tests point a path-style client at a local endpoint). */
export const readS3Text = async (
  bucket: string,
  key: string,
  signal: AbortSignal,
  client?: S3Client,
): Promise<string> => {
  defaultClient ??= client ? undefined : new S3Client(sdkClientConfig());
  const s3 = client ?? (defaultClient as S3Client);
  const answer = await awsRead(
    's3:GetObject',
    `arn:aws:s3:::${bucket}/${key} (list the bucket in the stage's revisionBuckets param)`,
    signal,
    (o) => s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), o),
  );
  return (await answer.Body?.transformToString('utf-8')) ?? '';
};

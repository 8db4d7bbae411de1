/**
 * An S3 revision's appspec. The S3 client comes from the Lambda runtime's SDK and is loaded only
 * here: most deployments carry their appspec inline (AppSpecContent).
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkClientConfig } from '../aws/clients';
import { awsRead } from './awsRead';

let client: S3Client | undefined;

export const readS3Text = async (
  bucket: string,
  key: string,
  signal: AbortSignal,
): Promise<string> => {
  client ??= new S3Client(sdkClientConfig());
  const answer = await awsRead(
    's3:GetObject',
    `arn:aws:s3:::${bucket}/${key} (list the bucket in the stage's revisionBuckets param)`,
    signal,
    (o) => (client as S3Client).send(new GetObjectCommand({ Bucket: bucket, Key: key }), o),
  );
  return (await answer.Body?.transformToString('utf-8')) ?? '';
};

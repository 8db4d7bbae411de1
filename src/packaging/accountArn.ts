/** ARNs in the template that CloudFormation completes: partition, region and account. */

type Json = Record<string, unknown>;

/** `arn:${Partition}:<service>:${Region}:${AccountId}<resource>`, with no credentials needed. */
export const accountArn = (service: string, resource: string): Json => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      `:${service}:`,
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      resource,
    ],
  ],
});

/** The routing proof's judgement of a rule's forwards, and of a service's task sets. */
import {
  describeForwards,
  proveRouting,
  reachesOnly,
  targetGroupName,
  taskDefinitionLabel,
} from '../../../src/discovery/routingProof';

const TG = (name: string) => `arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/${name}/abc`;
const blue = TG('tg-1');
const green = TG('tg-2');

describe('reachesOnly', () => {
  it('a rule forwarding to green alone reaches green only', () => {
    expect(reachesOnly([{ targetGroupArn: green, weight: 1 }], green)).toBe(true);
  });

  it('a split forward (blue 50 / green 50) is refused: a request may reach blue', () => {
    const split = [
      { targetGroupArn: blue, weight: 50 },
      { targetGroupArn: green, weight: 50 },
    ];
    expect(reachesOnly(split, green)).toBe(false);
    expect(reachesOnly(split, blue)).toBe(false);
  });

  it('green at weight 1 with blue at weight 0 reaches green only', () => {
    const forwards = [
      { targetGroupArn: green, weight: 1 },
      { targetGroupArn: blue, weight: 0 },
    ];
    expect(reachesOnly(forwards, green)).toBe(true);
  });

  it('green at weight 0 alone reaches nothing: refused', () => {
    expect(reachesOnly([{ targetGroupArn: green, weight: 0 }], green)).toBe(false);
    expect(reachesOnly([], green)).toBe(false);
  });

  it('a canary step (blue 90, green 10) describes both sides', () => {
    expect(
      describeForwards([
        { targetGroupArn: blue, weight: 90 },
        { targetGroupArn: green, weight: 10 },
      ]),
    ).toBe('tg-1 (weight 90), tg-2 (weight 10)');
    expect(describeForwards([{ targetGroupArn: green, weight: 0 }])).toBe('no target group');
  });
});

describe('proveRouting (CodeDeploy task sets)', () => {
  const taskSets = [
    { taskDefinition: 'arn:td/app:41', status: 'PRIMARY', targetGroupArns: [blue] },
    { taskDefinition: 'arn:td/app:42', status: 'ACTIVE', targetGroupArns: [green] },
  ];
  const healthy = new Map([[green, 1]]);

  it('holds for a test listener forwarding to green with healthy targets', () => {
    const v = proveRouting({
      testPort: 8080,
      forwards: [{ targetGroupArn: green, weight: 1 }],
      taskSets,
      greenTaskDefinition: 'arn:td/app:42',
      healthyTargets: healthy,
    });
    expect(v).toMatchObject({ ok: true, greenTargetGroup: green });
  });

  it('refuses a split forward between blue and green', () => {
    const v = proveRouting({
      testPort: 8080,
      forwards: [
        { targetGroupArn: blue, weight: 50 },
        { targetGroupArn: green, weight: 50 },
      ],
      taskSets,
      greenTaskDefinition: 'arn:td/app:42',
      healthyTargets: healthy,
    });
    expect(v).toEqual({
      ok: false,
      reason:
        'test listener :8080 forwards to tg-1, which serves the blue task set (task definition app:41), not green (:42)',
    });
  });

  it('refuses green with no healthy target', () => {
    const v = proveRouting({
      testPort: 8080,
      forwards: [{ targetGroupArn: green, weight: 1 }],
      taskSets,
      greenTaskDefinition: 'arn:td/app:42',
      healthyTargets: new Map([[green, 0]]),
    });
    expect(v).toMatchObject({ ok: false, reason: expect.stringMatching(/no healthy target/) });
  });

  it('refuses when the deployment names a task definition no task set runs', () => {
    const v = proveRouting({
      testPort: 8080,
      forwards: [{ targetGroupArn: green, weight: 1 }],
      taskSets,
      greenTaskDefinition: 'arn:td/app:43',
      healthyTargets: healthy,
    });
    expect(v).toMatchObject({ ok: false, reason: expect.stringMatching(/app:43/) });
  });

  it('holds when blue is still forwarded to at weight 0', () => {
    const v = proveRouting({
      testPort: 8080,
      forwards: [
        { targetGroupArn: blue, weight: 0 },
        { targetGroupArn: green, weight: 1 },
      ],
      taskSets,
      greenTaskDefinition: 'arn:td/app:42',
      healthyTargets: healthy,
    });
    expect(v).toMatchObject({ ok: true, greenTargetGroup: green });
  });

  it('refuses a listener that forwards nowhere', () => {
    const v = proveRouting({
      testPort: 8080,
      forwards: [{ targetGroupArn: green, weight: 0 }],
      taskSets,
      greenTaskDefinition: 'arn:td/app:42',
      healthyTargets: healthy,
    });
    expect(v).toEqual({ ok: false, reason: 'test listener :8080 forwards to no target group' });
  });

  it('names who a stray target group serves: another task set, or none', () => {
    const third = TG('tg-3');
    const sets = [
      ...taskSets,
      { taskDefinition: 'arn:td/app:40', status: 'ACTIVE', targetGroupArns: [third] },
    ];
    const via = (arn: string) =>
      proveRouting({
        testPort: 8080,
        forwards: [{ targetGroupArn: arn, weight: 1 }],
        taskSets: sets,
        greenTaskDefinition: 'arn:td/app:42',
        healthyTargets: healthy,
      });
    expect(via(third)).toEqual({
      ok: false,
      reason:
        'test listener :8080 forwards to tg-3, which serves the ACTIVE task set (task definition app:40), not green (:42)',
    });
    expect(via(TG('tg-9'))).toEqual({
      ok: false,
      reason:
        'test listener :8080 forwards to tg-9, which no task set of the service is registered in, not green (:42)',
    });
  });

  it('calls the PRIMARY task set blue wherever it stands in the list', () => {
    const v = proveRouting({
      testPort: 8080,
      forwards: [{ targetGroupArn: blue, weight: 1 }],
      taskSets: [...taskSets].reverse(),
      greenTaskDefinition: 'arn:td/app:42',
      healthyTargets: healthy,
    });
    expect(v).toMatchObject({
      ok: false,
      reason: expect.stringContaining('serves the blue task set'),
    });
  });

  it('refuses a service with no green task set, saying which', () => {
    const onlyBlue = [taskSets[0] as (typeof taskSets)[number]];
    const v = proveRouting({
      testPort: 8080,
      forwards: [{ targetGroupArn: green, weight: 1 }],
      taskSets: onlyBlue,
      healthyTargets: healthy,
    });
    expect(v).toEqual({
      ok: false,
      reason: 'the service has no task set besides the PRIMARY one: there is no green to test',
    });
  });

  it('names task definitions and target groups as an operator reads them', () => {
    expect(taskDefinitionLabel('arn:aws:ecs:r:1:task-definition/app:42')).toBe('app:42');
    expect(taskDefinitionLabel('arn:aws:ecs:r:1:task-definition/app:42', true)).toBe(':42');
    expect(targetGroupName(green)).toBe('tg-2');
  });
});

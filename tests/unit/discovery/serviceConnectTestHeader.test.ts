/**
 * Which header sends a Service Connect request to green: the revision's custom test traffic rule,
 * or ECS's default header when the service uses Service Connect without one.
 */
import type { ServiceConnectConfiguration } from '@aws-sdk/client-ecs';
import { serviceConnectTestHeader } from '../../../src/discovery/discoverEcsGreen';

const withAliases = (
  ...aliases: NonNullable<ServiceConnectConfiguration['services']>[number]['clientAliases'][]
): ServiceConnectConfiguration => ({
  enabled: true,
  services: aliases.map((clientAliases, i) => ({ portName: `p${i}`, clientAliases })),
});

describe('serviceConnectTestHeader', () => {
  it('is absent without Service Connect, or when it is off, or serves no client alias', () => {
    expect(serviceConnectTestHeader(undefined)).toBeUndefined();
    expect(
      serviceConnectTestHeader({
        enabled: false,
        services: [{ portName: 'p', clientAliases: [{ port: 80 }] }],
      }),
    ).toBeUndefined();
    expect(serviceConnectTestHeader({ enabled: true })).toBeUndefined();
    expect(serviceConnectTestHeader(withAliases(undefined, []))).toBeUndefined();
  });

  it("is ECS's default header when no alias has a custom rule", () => {
    expect(serviceConnectTestHeader(withAliases([{ port: 80 }]))).toEqual({
      name: 'x-amzn-ecs-blue-green-test',
      value: 'true',
    });
    // a rule with no header name is not a custom rule
    expect(
      serviceConnectTestHeader(
        withAliases([{ port: 80, testTrafficRules: { header: {} as never } }]),
      ),
    ).toEqual({ name: 'x-amzn-ecs-blue-green-test', value: 'true' });
  });

  it('is the custom rule of whichever alias has one, with its exact value', () => {
    expect(
      serviceConnectTestHeader(
        withAliases(
          [{ port: 80 }],
          [
            {
              port: 81,
              testTrafficRules: { header: { name: 'x-canary', value: { exact: 'yes' } } },
            },
          ],
        ),
      ),
    ).toEqual({ name: 'x-canary', value: 'yes' });
  });

  it('matches on presence when the custom rule names no value: any value is sent', () => {
    expect(
      serviceConnectTestHeader(
        withAliases([{ port: 80, testTrafficRules: { header: { name: 'x-canary' } } }]),
      ),
    ).toEqual({ name: 'x-canary', value: 'true' });
  });
});

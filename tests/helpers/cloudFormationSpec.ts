/**
 * Validates a CloudFormation template against AWS's resource specification, as published in
 * @aws-cdk/aws-service-spec: resource types, property names, property types (recursively
 * through nested types), required properties, and the targets of Ref, Fn::GetAtt and
 * Condition. Intrinsic functions stand for any type (their value is only known at deploy time).
 */
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type {
  PropertyType,
  Resource,
  SpecDatabase,
  TypeDefinition,
} from '@aws-cdk/service-spec-types';

let db: SpecDatabase | undefined;
const spec = (): SpecDatabase => {
  db ??= loadAwsServiceSpecSync();
  return db;
};

type Json = unknown;
interface Template {
  readonly Resources: Record<string, Record<string, unknown>>;
  readonly Conditions?: Record<string, unknown>;
  readonly Parameters?: Record<string, unknown>;
  readonly Outputs?: Record<string, unknown>;
}

const RESOURCE_KEYS = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Metadata',
  'UpdatePolicy',
  'CreationPolicy',
]);
const PSEUDO = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

const isIntrinsic = (value: Json): value is Record<string, unknown> => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || (keys[0] as string).startsWith('Fn::'));
};

export const lookupResource = (type: string): Resource | undefined =>
  spec().lookup('resource', 'cloudFormationType', 'equals', type)[0];

class Checker {
  public readonly problems: string[] = [];

  public constructor(private readonly template: Template) {}

  public run(): string[] {
    for (const [id, resource] of Object.entries(this.template.Resources)) {
      this.resource(id, resource);
    }
    this.intrinsics(this.template.Outputs ?? {}, 'Outputs');
    this.intrinsics(this.template.Conditions ?? {}, 'Conditions');
    return this.problems;
  }

  private resource(id: string, resource: Record<string, unknown>): void {
    const at = `Resources.${id}`;
    for (const key of Object.keys(resource)) {
      if (!RESOURCE_KEYS.has(key)) this.problems.push(`${at}: unknown resource attribute ${key}`);
    }
    const condition = resource.Condition;
    if (typeof condition === 'string' && !this.template.Conditions?.[condition]) {
      this.problems.push(`${at}.Condition: no condition named ${condition}`);
    }
    const type = String(resource.Type);
    const found = lookupResource(type);
    if (!found) {
      this.problems.push(`${at}: ${type} is not a CloudFormation resource type`);
      return;
    }
    const props = (resource.Properties ?? {}) as Record<string, unknown>;
    this.properties(found.properties, props, `${at}.Properties`, type);
    this.intrinsics(resource, at);
  }

  private properties(
    allowed: Resource['properties'],
    given: Record<string, unknown>,
    at: string,
    typeName: string,
  ): void {
    if (isIntrinsic(given)) return;
    if (given === null || typeof given !== 'object' || Array.isArray(given)) {
      this.problems.push(`${at}: expected an object of ${typeName}`);
      return;
    }
    for (const [name, value] of Object.entries(given)) {
      const property = allowed[name];
      if (!property) {
        this.problems.push(`${at}.${name}: ${typeName} has no property ${name}`);
        continue;
      }
      const types = [property.type, ...(property.previousTypes ?? [])];
      const errors = types.map((t) => this.typeProblems(t, value, `${at}.${name}`));
      if (errors.every((e) => e.length > 0)) this.problems.push(...(errors[0] as string[]));
    }
    for (const [name, property] of Object.entries(allowed)) {
      if (property.required && !(name in given)) {
        this.problems.push(`${at}: ${typeName} requires ${name}`);
      }
    }
  }

  /** Problems of `value` as a `type`; [] when it fits. */
  private typeProblems(type: PropertyType, value: Json, at: string): string[] {
    if (isIntrinsic(value)) return [];
    const fail = (what: string) => [`${at}: expected ${what}, got ${JSON.stringify(value)}`];
    switch (type.type) {
      case 'string':
      case 'date-time':
        // CloudFormation turns numbers and booleans into strings where a string is expected.
        return ['string', 'number', 'boolean'].includes(typeof value) ? [] : fail('a string');
      case 'number':
      case 'integer':
        return typeof value === 'number' ||
          (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
          ? []
          : fail(`a ${type.type}`);
      case 'boolean':
        return typeof value === 'boolean' || value === 'true' || value === 'false'
          ? []
          : fail('a boolean');
      case 'json':
        return [];
      case 'null':
        return value === null ? [] : fail('null');
      case 'tag':
        return this.typeProblems(
          { type: 'map', element: { type: 'string' } } as PropertyType,
          value,
          at,
        );
      case 'array':
        if (!Array.isArray(value)) return fail('a list');
        return value.flatMap((v, i) => this.typeProblems(type.element, v, `${at}[${i}]`));
      case 'map':
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          return fail('a map');
        }
        return Object.entries(value).flatMap(([k, v]) =>
          this.typeProblems(type.element, v, `${at}.${k}`),
        );
      case 'union': {
        const each = type.types.map((t) => this.typeProblems(t, value, at));
        return each.some((e) => e.length === 0) ? [] : (each[0] as string[]);
      }
      case 'ref': {
        const def = spec().get('typeDefinition', type.reference.$ref) as TypeDefinition;
        const before = this.problems.length;
        this.properties(def.properties, value as Record<string, unknown>, at, def.name);
        return this.problems.splice(before);
      }
      default:
        return [];
    }
  }

  /** Every Ref, Fn::GetAtt and condition name below `value` points at something that exists. */
  private intrinsics(value: Json, at: string): void {
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        this.intrinsics(v, `${at}[${i}]`);
      });
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') {
        if (
          !PSEUDO.has(inner) &&
          !this.template.Resources[inner] &&
          !this.template.Parameters?.[inner]
        ) {
          this.problems.push(`${at}: Ref to ${inner}, which is not in the template`);
        }
      } else if (key === 'Fn::GetAtt') {
        this.getAtt(inner, at);
      } else if (key === 'Fn::If' && Array.isArray(inner)) {
        const name = inner[0];
        if (typeof name === 'string' && !this.template.Conditions?.[name]) {
          this.problems.push(`${at}: Fn::If on ${name}, which is not a condition`);
        }
      }
      this.intrinsics(inner, `${at}.${key}`);
    }
  }

  private getAtt(args: Json, at: string): void {
    const [id, attribute] = Array.isArray(args)
      ? (args as [string, string])
      : (String(args).split(/\.(.*)/s) as [string, string]);
    const target = this.template.Resources[id];
    if (!target) {
      this.problems.push(`${at}: Fn::GetAtt on ${id}, which is not in the template`);
      return;
    }
    const found = lookupResource(String(target.Type));
    if (found && typeof attribute === 'string' && !found.attributes[attribute]) {
      this.problems.push(
        `${at}: ${String(target.Type)} has no attribute ${attribute} (has: ${Object.keys(found.attributes).join(', ')})`,
      );
    }
  }
}

/** Every problem in the template, as `Resources.X.Properties.Y: …` lines; [] when it is valid. */
export const validateTemplate = (template: Template): string[] => new Checker(template).run();

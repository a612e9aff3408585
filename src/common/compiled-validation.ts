import { getMetadataStorage, ValidationArguments, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { TransformationType } from 'class-transformer';
import type { MetadataStorage as TransformerMetadata } from 'class-transformer/types/MetadataStorage';

// class-transformer's decorator metadata (its package exports the store only by this path).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: TransformerMetadata;
};

/**
 * The fast path of DTO validation, compiled once per DTO class from the same class-validator and
 * class-transformer decorators the slow path reads, so the DTO stays the single description of
 * an input. It answers only "valid, and here is the instance", never an error: anything it does
 * not accept (including everything it does not understand) goes to the full ValidationPipe,
 * which produces the error — or, should the fast path be merely conservative, the same instance.
 *
 * It mirrors class-validator's executor for the pipe's options (whitelist + forbidNonWhitelisted,
 * forbidUnknownValues, no groups, no skip options): per property, conditional validations
 * (`@ValidateIf`, `@IsOptional…`) first, then every constraint's own `validate` (the very
 * functions the slow path calls, `each` over arrays), then nested DTOs through their `@Type`.
 * Transforms (`@Transform`) run as class-transformer runs them for plain → class, and the result
 * is an instance of the DTO (constructor defaults included) holding the values it was given:
 * nested free-form objects (such as `metadata`) are kept exactly as sent, which is what the slow
 * path's reconciliation restores too.
 *
 * A class is compiled only if every decorator on it is of a kind handled here (sync custom
 * constraints, conditional and nested validation, transforms, `@Type` on nested DTOs); any other
 * kind (async constraints, `@IsDefined`, promise validation, `@Expose`/`@Exclude`, a nested DTO
 * without `@Type`) leaves the class to the slow path. `compiled-validation.spec.ts` checks on
 * random inputs that the fast path never accepts what the slow path refuses, and builds the same
 * value when both accept.
 */
export type FastCheck = (plain: unknown) => object | undefined;

interface ConstraintCheck {
  meta: ValidationMetadata;
  validate: (value: unknown, args: ValidationArguments) => unknown;
}

interface PropertyPlan {
  name: string;
  conditions: ((object: object, value: unknown) => boolean)[];
  constraints: ConstraintCheck[];
  /** Nested DTO checks (`@ValidateNested` with `@Type`). */
  nested: FastCheck[];
  transforms: ((value: unknown, obj: object) => unknown)[];
}

/** Names of Object.prototype members: class-transformer drops such keys silently (see validation.ts). */
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

const compiled = new WeakMap<object, FastCheck | null>();

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The fast check of a DTO class, or null when it must always take the slow path. */
export function fastCheckFor(cls: new () => object): FastCheck | null {
  if (compiled.has(cls)) return compiled.get(cls)!;
  compiled.set(cls, null); // a class nesting itself stays on the slow path
  const check = compile(cls);
  compiled.set(cls, check);
  return check;
}

function compile(cls: new () => object): FastCheck | null {
  const storage = getMetadataStorage();
  const metas = storage.getTargetValidationMetadatas(cls, '', false, false, undefined);
  if (metas.length === 0) return null; // forbidUnknownValues: the slow path refuses it
  const grouped = storage.groupByPropertyName(metas);
  const plans: PropertyPlan[] = [];
  const known = new Set<string>();
  for (const [name, list] of Object.entries(grouped)) {
    if (list.length === 0) continue;
    known.add(name);
    const plan = compileProperty(cls, name, list);
    if (!plan) return null;
    plans.push(plan);
  }
  for (const name of known) {
    if (defaultMetadataStorage.findExposeMetadata(cls, name)) return null;
    if (defaultMetadataStorage.findExcludeMetadata(cls, name)) return null;
  }

  return (plain: unknown): object | undefined => {
    if (!isObject(plain) || Array.isArray(plain)) return undefined;
    const instance = new cls() as Record<string, unknown>;
    for (const key of Object.keys(plain)) {
      // Unknown fields, and names class-transformer would drop: the slow path says which.
      if (!known.has(key) || PROTOTYPE_NAMES.has(key)) return undefined;
      instance[key] = plain[key];
    }
    for (const plan of plans) {
      if (plan.transforms.length > 0 && Object.prototype.hasOwnProperty.call(plain, plan.name)) {
        let value = instance[plan.name];
        for (const t of plan.transforms) value = t(value, plain);
        instance[plan.name] = value;
      }
    }
    // Fields set by the class itself (initializers) are whitelisted like sent ones.
    for (const key of Object.keys(instance)) if (!known.has(key)) return undefined;
    for (const plan of plans) {
      if (!propertyValid(instance, plan)) return undefined;
    }
    return instance;
  };
}

function compileProperty(
  cls: new () => object,
  name: string,
  list: ValidationMetadata[],
): PropertyPlan | null {
  const storage = getMetadataStorage();
  const plan: PropertyPlan = { name, conditions: [], constraints: [], nested: [], transforms: [] };
  for (const meta of list) {
    switch (meta.type) {
      case ValidationTypes.WHITELIST:
        break;
      case ValidationTypes.CONDITIONAL_VALIDATION:
        plan.conditions.push(meta.constraints[0] as (o: object, v: unknown) => boolean);
        break;
      case ValidationTypes.CUSTOM_VALIDATION: {
        const constraints = storage.getTargetValidatorConstraints(meta.constraintCls);
        if (constraints.length === 0) return null;
        for (const c of constraints) {
          if (c.async) return null;
          const instance = c.instance as {
            validate: (value: unknown, args: ValidationArguments) => unknown;
          };
          plan.constraints.push({ meta, validate: instance.validate.bind(instance) });
        }
        break;
      }
      case ValidationTypes.NESTED_VALIDATION: {
        const type = defaultMetadataStorage.findTypeMetadata(cls, name);
        if (!type || type.options?.discriminator) return null;
        const nestedCls = type.typeFunction() as new () => object;
        const nested = fastCheckFor(nestedCls);
        if (!nested) return null;
        plan.nested.push(nested);
        break;
      }
      default:
        return null; // IS_DEFINED, PROMISE_VALIDATION, anything newer
    }
  }
  for (const t of defaultMetadataStorage.findTransformMetadatas(
    cls,
    name,
    TransformationType.PLAIN_TO_CLASS,
  )) {
    const { transformFn, options } = t;
    plan.transforms.push((value, obj) =>
      transformFn({ value, key: name, obj, type: TransformationType.PLAIN_TO_CLASS, options }),
    );
  }
  return plan;
}

function propertyValid(object: Record<string, unknown>, plan: PropertyPlan): boolean {
  const value = object[plan.name];
  for (const condition of plan.conditions) if (!condition(object, value)) return true;
  for (const { meta, validate } of plan.constraints) {
    if (meta.validateIf && !meta.validateIf(object, value)) continue;
    const args: ValidationArguments = {
      targetName: object.constructor.name,
      property: meta.propertyName,
      object,
      value,
      constraints: meta.constraints,
    };
    if (!meta.each || !Array.isArray(value)) {
      if (validate(value, args) !== true) return false;
    } else {
      for (const item of value) if (validate(item, args) !== true) return false;
    }
  }
  if (plan.nested.length > 0 && value !== undefined) {
    for (const check of plan.nested) {
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const built = check(value[i]);
          if (!built) return false;
        }
      } else if (!check(value)) {
        return false;
      }
    }
  }
  return true;
}

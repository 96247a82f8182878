import { joinPath } from '../validation/field-error';
import { isPlainObject } from './decorators';

const isPrototypeMember = (key: string): boolean => Object.prototype.hasOwnProperty.call(Object.prototype, key);

/**
 * Paths of the keys, at any depth, that name a member of `Object.prototype` (`toString`, `constructor`,
 * `__proto__`, …). class-transformer does not copy such a key onto a DTO instance (the instance already has it, as a
 * function), so `whitelist` + `forbidNonWhitelisted` never see it and it would be dropped without a word where JSON
 * Schema rejects it. No contract declares such a property, so each one is a key that is not allowed.
 */
export const prototypeKeyPaths = (value: unknown, path = ''): string[] => {
  if (Array.isArray(value)) return value.flatMap((element, index) => prototypeKeyPaths(element, joinPath(path, index)));
  if (!isPlainObject(value)) return [];
  return Object.keys(value).flatMap((key) => {
    const at = joinPath(path, key);
    return isPrototypeMember(key) ? [at] : prototypeKeyPaths(value[key], at);
  });
};

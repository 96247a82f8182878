import { BadRequestException, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { prototypeKeyPaths } from '@tutoring/shared/contracts';

/**
 * The global pipe: whitelist + forbidNonWhitelisted, and also the keys class-transformer drops without a word
 * because they name Object.prototype members (`toString`, `constructor`, `__proto__`, …): refused the same way,
 * "property <path> should not exist", as JSON Schema refuses them on the Kafka path.
 */
export class ContractValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (this.toValidate(metadata)) {
      const paths = prototypeKeyPaths(value);
      if (paths.length > 0) throw new BadRequestException(paths.map((path) => `property ${path} should not exist`));
    }
    return super.transform(value, metadata);
  }
}

export const validationPipe = (): ValidationPipe =>
  new ContractValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // Error messages name the field ("property x should not exist", "a.b must be a string"),
    // never echo the submitted value (it may be PII).
    validationError: { target: false, value: false },
  });

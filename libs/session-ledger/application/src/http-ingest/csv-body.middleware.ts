import { Injectable, NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest DATAS CSV upload accepted (≈ 5,000 rows). */
export const MAX_CSV_BYTES = 2 * 1024 * 1024;

/**
 * Reads a `text/csv` body as UTF-8 text, refusing more than MAX_CSV_BYTES with 413 before buffering it all. The
 * service's global parsers only read JSON and forms, so without this the upload would arrive empty.
 */
@Injectable()
export class CsvBodyMiddleware implements NestMiddleware {
  use(req: IncomingMessage & { body?: unknown }, res: ServerResponse, next: (error?: unknown) => void): void {
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    if (!type.startsWith('text/csv')) return next();
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > MAX_CSV_BYTES) {
        refused = true;
        res.statusCode = 413;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ statusCode: 413, message: `CSV upload is limited to ${MAX_CSV_BYTES} bytes` }));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      req.body = Buffer.concat(chunks).toString('utf8');
      next();
    });
    req.on('error', (error) => next(error));
  }
}

import { buildOpenApi } from '../../../gateway/src/validation/openapi.js';
import { routeSpecs } from '../../../gateway/src/validation/registry.js';

describe('buildOpenApi', () => {
  const document = buildOpenApi(routeSpecs, { version: 'test' }) as {
    openapi: string;
    paths: Record<
      string,
      Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>
    >;
    components: { schemas: Record<string, unknown> };
  };

  it('is OpenAPI 3.1 with one operation per route spec', () => {
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.values(document.paths).flatMap((item) => Object.keys(item));
    expect(operations).toHaveLength(routeSpecs.length);
  });

  it('names shared schemas once in components and leaves no dangling reference', () => {
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['Poll', 'PollDraft', 'Receipt', 'Problem']),
    );
    const text = JSON.stringify(document);
    for (const match of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      expect(document.components.schemas).toHaveProperty([match[1]!]);
    }
    expect(text).not.toContain('#/$defs/');
  });

  it('documents the body limits and error responses of the ballot route', () => {
    const ballot = document.paths['/api/v1/polls/{pollId}/ballots']!.post!;
    expect(Object.keys(ballot.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '409', '413', '415', '429', '503']),
    );
    expect(ballot.requestBody).toBeDefined();
  });
});

import { z } from 'zod';
import { platformSpecSchema } from './schema.js';

/** The JSON Schema of the platform spec, for editors (yaml-language-server and the like). */
export function platformJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(platformSpecSchema, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://baton.dev/schemas/platform-v1alpha1.json',
    title: 'Baton Platform (baton/v1alpha1)',
  };
}

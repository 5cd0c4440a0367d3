import type { Access } from '../validation/registry.js';
import { ApiProblem } from '../services/problems.js';
import type { Caller } from './caller.js';

/** The role checks of API.md's table: each non-public route needs its role. */
export function assertAccess(access: Access, caller: Caller | undefined): void {
  if (access === 'public') return;
  if (caller === undefined)
    throw new ApiProblem('unauthenticated', 'A valid bearer token or session is required.');
  if (!caller.roles.includes(access)) {
    throw new ApiProblem('forbidden', `This action needs the ${access} role.`);
  }
  if (access === 'official' && caller.department === undefined) {
    throw new ApiProblem('forbidden', 'The official\u2019s department is not a known department.');
  }
}

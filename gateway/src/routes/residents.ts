import type { ResidentService } from '../services/residents.js';
import type { SpecOf } from '../validation/registry.js';
import type { Handler } from './mount.js';

export function residentHandlers(residents: ResidentService): {
  registerResident: Handler<SpecOf<'registerResident'>>;
  getResident: Handler<SpecOf<'getResident'>>;
  purgePersonalData: Handler<SpecOf<'purgePersonalData'>>;
  listOwnBallots: Handler<SpecOf<'listOwnBallots'>>;
} {
  return {
    registerResident: async ({ caller }) => {
      const { created, registration } = await residents.register(caller);
      return { status: created ? 201 : 200, body: registration };
    },
    getResident: async ({ caller }) => ({ status: 200, body: await residents.get(caller) }),
    purgePersonalData: async ({ caller }) => ({ status: 200, body: await residents.purge(caller) }),
    listOwnBallots: async ({ caller }) => ({ status: 200, body: await residents.ballots(caller) }),
  };
}

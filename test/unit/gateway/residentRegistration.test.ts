import { personalDataSchema, type PersonalData } from '@veche/common';
import type { Caller, PersonalClaims } from '../../../gateway/src/auth/caller.js';
import type { Ledger } from '../../../gateway/src/services/ledger.js';
import { ApiProblem } from '../../../gateway/src/services/problems.js';
import { createResidentService } from '../../../gateway/src/services/residents.js';

const claims = {
  name: 'Анна Смирнова',
  birthdate: '1990-02-28',
  district: 'Arbat',
  phone_number: '+7 900 000 00 00',
};

function callerWith(personal: PersonalClaims): Caller {
  return {
    subject: 'anna',
    residentId: 'a'.repeat(64),
    officialId: 'e'.repeat(64),
    roles: ['resident'],
    department: undefined,
    personalClaims: () => Promise.resolve(personal),
  };
}

/** Records what registration would send to the chaincode; the rest of the port is never reached. */
function recordingLedger(sent: PersonalData[]): Ledger {
  const partial: Pick<Ledger, 'registerResident'> = {
    registerResident: (residentId, personalData) => {
      sent.push(personalData);
      return Promise.resolve({
        value: { residentId, registeredAt: '2030-01-01T00:00:00.000Z', created: sent.length === 1 },
        txId: 'tx',
        blockNumber: 1,
      });
    },
  };
  return partial as Ledger;
}

const noSessions = { endAll: (): Promise<void> => Promise.resolve() };

describe('ResidentService.register', () => {
  it('sends personal data the chaincode\u2019s schema accepts, with a fresh 32-byte salt each time', async () => {
    const sent: PersonalData[] = [];
    const service = createResidentService(recordingLedger(sent), noSessions);
    await expect(service.register(callerWith(claims))).resolves.toEqual({
      created: true,
      registration: {
        residentId: 'a'.repeat(64),
        district: 'Arbat',
        registeredAt: '2030-01-01T00:00:00.000Z',
      },
    });
    await service.register(callerWith(claims));

    expect(sent).toHaveLength(2);
    for (const details of sent) {
      expect(personalDataSchema.safeParse(details).error?.issues).toBeUndefined();
      expect(details).toEqual({
        name: claims.name,
        birthdate: claims.birthdate,
        district: claims.district,
        phone: claims.phone_number,
        salt: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
      });
    }
    expect(sent[0]!.salt).not.toBe(sent[1]!.salt);
  });

  it('refuses claims the chaincode would refuse, naming each claim but not its value', async () => {
    const sent: PersonalData[] = [];
    const service = createResidentService(recordingLedger(sent), noSessions);
    const bad = { ...claims, birthdate: '1990-02-30', phone_number: '9'.repeat(65) };

    const error: unknown = await service.register(callerWith(bad)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiProblem);
    const body = (error as ApiProblem).toBody();
    expect(body).toMatchObject({ type: 'invalid-request', status: 400 });
    expect(body.errors?.map((e) => e.path)).toEqual(['/claims/birthdate', '/claims/phone_number']);
    expect(JSON.stringify(body)).not.toContain(bad.birthdate);
    expect(JSON.stringify(body)).not.toContain(bad.phone_number);
    expect(sent).toEqual([]);
  });
});

export type Role = 'resident' | 'official' | 'regulator';

export interface PersonalClaims {
  readonly name?: string;
  readonly birthdate?: string;
  readonly district?: string;
  readonly phone_number?: string;
}

/**
 * A verified caller. Holds the pseudonym, roles and department; personal claims are kept only
 * for the request that needs them (registration) and never logged.
 */
export interface Caller {
  readonly subject: string;
  readonly residentId: string;
  /** The pseudonym an official's acts carry on the ledger, never the residentId. */
  readonly officialId: string;
  readonly roles: readonly Role[];
  /** The official's department MSP ID, only when it is one of the configured departments. */
  readonly department: string | undefined;
  /** Personal claims from the token or, when absent there, the IdP's userinfo endpoint. */
  personalClaims(): Promise<PersonalClaims>;
}

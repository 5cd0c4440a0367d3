// oidc-provider ships no TypeScript declarations and @types/oidc-provider lags behind version 9,
// so this declares only the part of its surface the development IdP uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type ClaimsMap = Record<string, unknown>;

  export interface Account {
    readonly accountId: string;
    claims(use: string, scope: string): Promise<ClaimsMap & { sub: string }>;
  }

  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    redirect_uris: string[];
    grant_types?: string[];
    response_types?: string[];
    token_endpoint_auth_method?: string;
    id_token_signed_response_alg?: string;
  }

  export interface ResourceServer {
    scope: string;
    audience?: string;
    accessTokenTTL?: number;
    accessTokenFormat?: 'opaque' | 'jwt';
    jwt?: { sign?: { alg?: string; kid?: string } };
  }

  export interface Grant {
    readonly jti: string;
    readonly accountId: string;
    readonly clientId: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(ttl?: number): Promise<string>;
  }

  export interface GrantConstructor {
    new (init: { accountId: string; clientId: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  }

  export interface OIDCContext {
    readonly provider: Provider;
    readonly client?: { readonly clientId: string };
    readonly account?: { readonly accountId: string };
    readonly session?: { grantIdFor(clientId: string): string | undefined };
    readonly result?: { consent?: { grantId?: string } };
    readonly resourceServers: Record<string, { readonly scopes: Set<string> }>;
    readonly requestParamScopes: Set<string>;
    readonly requestParamOIDCScopes: Set<string>;
    readonly requestParamClaims: Set<string>;
  }

  export interface KoaContextWithOIDC {
    readonly oidc: OIDCContext;
    readonly path: string;
    type: string;
    body: unknown;
  }

  /** What the provider passes to extraTokenClaims: an access token or client credentials. */
  export interface IssuedToken {
    readonly kind: string;
    readonly accountId?: string;
  }

  export interface ErrorOut {
    readonly error: string;
    readonly error_description?: string;
  }

  export interface Configuration {
    clients: ClientMetadata[];
    jwks: { keys: Record<string, unknown>[] };
    findAccount(ctx: KoaContextWithOIDC, sub: string): Promise<Account | undefined>;
    claims: Record<string, string[]>;
    scopes?: string[];
    responseTypes: string[];
    cookies: { keys: string[] };
    pkce: { required(ctx: KoaContextWithOIDC, client: unknown): boolean };
    loadExistingGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined>;
    extraTokenClaims(ctx: KoaContextWithOIDC, token: IssuedToken): Promise<ClaimsMap | undefined>;
    interactions: { url(ctx: KoaContextWithOIDC, interaction: { uid: string }): Promise<string> };
    renderError(ctx: KoaContextWithOIDC, out: ErrorOut, error: Error): Promise<void>;
    ttl: Record<string, number>;
    features: {
      devInteractions: { enabled: boolean };
      resourceIndicators: {
        enabled: boolean;
        defaultResource(
          ctx: KoaContextWithOIDC,
          client: unknown,
          oneOf?: string[],
        ): Promise<string | string[]>;
        useGrantedResource(ctx: KoaContextWithOIDC, model: unknown): Promise<boolean>;
        getResourceServerInfo(
          ctx: KoaContextWithOIDC,
          resourceIndicator: string,
          client: unknown,
        ): Promise<ResourceServer>;
      };
    };
  }

  export interface InteractionDetails {
    readonly uid: string;
    readonly prompt: { readonly name: string };
    readonly params: Record<string, unknown>;
  }

  export interface InteractionResults {
    login?: { accountId: string };
    error?: string;
    error_description?: string;
  }

  export class Provider {
    constructor(issuer: string, configuration: Configuration);
    readonly issuer: string;
    readonly Grant: GrantConstructor;
    pathFor(name: string): string;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    on(event: string, listener: (ctx: KoaContextWithOIDC, error: Error) => void): this;
  }

  export const errors: {
    InvalidTarget: new (description?: string) => Error;
  };

  export default Provider;
}

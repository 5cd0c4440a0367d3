import { randomBytes } from 'node:crypto';
import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { releasedClaims } from './claims.js';
import type { IdpConfig } from './config.js';
import type { DemoResidents } from './demoResidents.js';
import { escapeHtml } from './http.js';
import { log } from './log.js';
import { signingAlg, type SigningKeys } from './signingKeys.js';
import { accessTokenTtlSeconds } from './tokens.js';

/** The API's own scope: access tokens for the API carry it when the client asked for it. */
const apiScope = 'veche';

export interface ProviderDeps {
  readonly config: IdpConfig;
  readonly residents: DemoResidents;
  readonly keys: SigningKeys;
}

export function createProvider({ config, residents, keys }: ProviderDeps): Provider {
  const provider = new Provider(config.issuer, {
    clients: [
      {
        client_id: config.client.id,
        client_secret: config.client.secret,
        redirect_uris: [...config.client.redirectUris],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: config.client.authMethod,
        id_token_signed_response_alg: signingAlg,
      },
    ],
    jwks: keys.privateJwks,
    // The authorization code flow only: no implicit or hybrid tokens in front-channel URLs.
    responseTypes: ['code'],
    // Interactions and sessions live in the provider's memory only; a random cookie key per
    // process is enough, since a restart forgets them anyway.
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: {
      openid: ['sub'],
      profile: ['name', 'birthdate'],
      phone: ['phone_number'],
      [apiScope]: ['district', 'roles', 'department'],
    },
    findAccount(_ctx, sub) {
      const resident = residents.get(sub);
      return Promise.resolve(
        resident === undefined
          ? undefined
          : { accountId: sub, claims: () => Promise.resolve({ sub, ...releasedClaims(resident) }) },
      );
    },
    // PKCE for every client, confidential ones included, as the API description requires.
    pkce: { required: () => true },
    // Consent is implied for the one configured client: grant whatever it asks for.
    async loadExistingGrant(ctx) {
      const { client, account, session, result } = ctx.oidc;
      if (client === undefined || account === undefined) return undefined;
      const grantId = result?.consent?.grantId ?? session?.grantIdFor(client.clientId);
      let grant = grantId === undefined ? undefined : await ctx.oidc.provider.Grant.find(grantId);
      if (grant?.accountId !== account.accountId) {
        grant = new ctx.oidc.provider.Grant({
          accountId: account.accountId,
          clientId: client.clientId,
        });
      }
      grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(' '));
      grant.addOIDCClaims([...ctx.oidc.requestParamClaims]);
      for (const [resource, server] of Object.entries(ctx.oidc.resourceServers)) {
        const wanted = [...ctx.oidc.requestParamScopes].filter((scope) => server.scopes.has(scope));
        grant.addResourceScope(resource, wanted.join(' '));
      }
      await grant.save();
      return grant;
    },
    // Roles decide what the gateway lets the caller do, so they travel in the access token;
    // personal claims stay out of it and come from userinfo.
    extraTokenClaims(_ctx, token) {
      const resident =
        token.kind === 'AccessToken' && token.accountId !== undefined
          ? residents.get(token.accountId)
          : undefined;
      if (resident === undefined) return Promise.resolve(undefined);
      const { roles, department } = resident;
      return Promise.resolve(department === undefined ? { roles } : { roles, department });
    },
    interactions: {
      url: (_ctx, interaction) => Promise.resolve(`/interaction/${interaction.uid}`),
    },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!doctype html><meta charset="utf-8"><title>dev-idp error</title>
<h1>${escapeHtml(out.error)}</h1><p>${escapeHtml(out.error_description ?? '')}</p>`;
      return Promise.resolve();
    },
    ttl: {
      AccessToken: accessTokenTtlSeconds,
      AuthorizationCode: 60,
      IdToken: accessTokenTtlSeconds,
      Interaction: 15 * 60,
      Session: 8 * 3600,
      Grant: 8 * 3600,
    },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        // Without a resource parameter the token is still for the API, so a plain OpenID login
        // yields an access token the gateway accepts.
        defaultResource: (_ctx, _client, oneOf) => Promise.resolve(oneOf ?? config.apiResource),
        // Otherwise the provider would issue an opaque userinfo-only token whenever the token
        // request asks for the openid scope without naming the resource again.
        useGrantedResource: () => Promise.resolve(true),
        getResourceServerInfo(_ctx, resourceIndicator) {
          if (resourceIndicator !== config.apiResource) {
            return Promise.reject(
              new errors.InvalidTarget(`unknown resource ${resourceIndicator}`),
            );
          }
          return Promise.resolve({
            scope: apiScope,
            audience: config.apiAudience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: accessTokenTtlSeconds,
            jwt: { sign: { alg: signingAlg } },
          });
        },
      },
    },
  });

  provider.on('server_error', (ctx: KoaContextWithOIDC, error: Error) => {
    log('error', 'provider error', { path: ctx.path, error: error.message });
  });
  for (const event of ['authorization.error', 'grant.error']) {
    provider.on(event, (ctx: KoaContextWithOIDC, error: Error) => {
      log('warn', event, { path: ctx.path, error: error.message });
    });
  }
  return provider;
}

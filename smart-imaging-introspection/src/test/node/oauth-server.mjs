// A real OAuth 2.0 authorization server for the smart-on-fhir authorizer's tests: Node's
// oidc-provider, configured the way a SMART EHR's authorization server behaves.
//
//   node oauth-server.mjs config.json      -> prints "LISTENING <port>" once it serves 127.0.0.1:<port>
//
// config.json (written by the Java test):
//   fhirBaseUrl            the EHR's FHIR base; the one resource server the tokens are for
//   clients                oidc-provider client metadata (private_key_jwt clients carry `jwks`)
//   accounts               { accountId: { patient } }: the patient a user picks at launch
//   routes                 oidc-provider route overrides (e.g. { "introspection": "/introspect" })
//   bearerIntrospectionClients
//                          client ids whose client-credentials (backend services) access token
//                          may authenticate an introspection request as `Authorization: Bearer`,
//                          as SMART EHRs allow resource servers to; any other caller authenticates
//                          as an oidc-provider client (e.g. HTTP Basic client_id:client_secret)
//   accessTokenTTL         seconds
//
// Besides the OAuth endpoints, /__test/* lets the test mint app tokens (as an EHR's launch
// would) and read how often each endpoint was called. Loopback only; never a production server.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = config.accounts ?? {};
const ttl = config.accessTokenTTL ?? 3600;
const smartScopes = [
  'patient/*.read', 'patient/*.rs', 'patient/*.*',
  'patient/ImagingStudy.read', 'patient/ImagingStudy.rs', 'patient/ImagingStudy.*',
  'patient/Patient.read', 'patient/Patient.rs', 'patient/DiagnosticReport.read',
  'system/Patient.read', 'system/Patient.rs', 'system/*.read',
];
const counts = { token: 0, introspection: 0, revocation: 0, authorization: 0 };

// The internal client the Bearer bridge authenticates as once it has checked the backend token.
const bridgeClient = { client_id: 'introspection-bridge', client_secret: randomBytes(24).toString('hex') };

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    ...config.clients,
    {
      ...bridgeClient,
      grant_types: [],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  routes: { token: '/token', ...(config.routes ?? {}) },
  scopes: ['openid', 'fhirUser', 'launch/patient', 'offline_access', ...smartScopes],
  claims: { openid: ['sub'], fhirUser: ['fhirUser'] },
  cookies: { keys: [randomBytes(16).toString('hex')] },
  pkce: { required: () => true },
  // SMART Backend Services signs client assertions with ES384 or RS384.
  enabledJWA: { clientAuthSigningAlgValues: ['ES384', 'RS384', 'ES256', 'RS256'] },
  ttl: {
    AccessToken: ttl,
    ClientCredentials: ttl,
    AuthorizationCode: 60,
    Interaction: 600,
    Session: 3600,
    Grant: 3600,
  },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true, allowedPolicy: async () => true },
    revocation: { enabled: true, allowedPolicy: async (ctx, client, token) => client.clientId === token.clientId },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => config.fhirBaseUrl,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: smartScopes.join(' '),
        accessTokenFormat: 'opaque',
        accessTokenTTL: ttl,
      }),
    },
  },
  // The SMART launch context travels in the token: introspection answers `patient`.
  extraTokenClaims: async (ctx, token) => {
    if (token.extra && Object.keys(token.extra).length) return token.extra;
    const patient = token.accountId ? accounts[token.accountId]?.patient : undefined;
    return patient ? { patient } : undefined;
  },
  findAccount: async (ctx, accountId) => ({
    accountId,
    claims: async () => ({ sub: accountId }),
  }),
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  renderError: async (ctx, out) => {
    ctx.type = 'json';
    ctx.body = out;
  },
});
provider.proxy = false;

const introspectionPath = config.routes?.introspection ?? '/token/introspection';
const bearerClients = new Set(config.bearerIntrospectionClients ?? []);

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function json(ctx, status, body) {
  ctx.status = status;
  ctx.type = 'json';
  ctx.body = body;
}

provider.use(async (ctx, next) => {
  const { path, method } = ctx;

  // Test control: counts and token minting (an EHR launch, minus the browser).
  if (path === '/__test/counts' && method === 'GET') return json(ctx, 200, counts);
  if (path === '/__test/reset' && method === 'POST') {
    for (const k of Object.keys(counts)) counts[k] = 0;
    return json(ctx, 200, counts);
  }
  if (path === '/__test/issue' && method === 'POST') {
    const req = JSON.parse(await readBody(ctx.req));
    const client = await provider.Client.find(req.clientId);
    if (!client) return json(ctx, 400, { error: 'unknown client' });
    const grant = new provider.Grant({ accountId: req.accountId, clientId: req.clientId });
    grant.addOIDCScope('openid');
    grant.addResourceScope(config.fhirBaseUrl, req.scope);
    const grantId = await grant.save(req.ttl ?? ttl);
    const token = new provider.AccessToken({
      accountId: req.accountId,
      client,
      grantId,
      scope: req.scope,
      expiresIn: req.ttl ?? ttl,
      extra: req.patient ? { patient: req.patient } : undefined,
    });
    token.resourceServer = new provider.ResourceServer(config.fhirBaseUrl, {
      scope: smartScopes.join(' '),
      accessTokenFormat: 'opaque',
      accessTokenTTL: req.ttl ?? ttl,
    });
    return json(ctx, 200, { access_token: await token.save() });
  }

  // Interactions of an authorization request, driven by the test as a browser would.
  const interaction = path.match(/^\/interaction\/([^/]+)(?:\/(login|confirm))?$/);
  if (interaction) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (method === 'GET') {
      return json(ctx, 200, {
        uid: details.uid, prompt: details.prompt.name, reasons: details.prompt.reasons, details: details.prompt.details, params: details.params,
      });
    }
    const form = new URLSearchParams(await readBody(ctx.req));
    if (interaction[2] === 'login') {
      const accountId = form.get('login');
      if (!accounts[accountId]) return json(ctx, 400, { error: 'unknown account' });
      return provider.interactionFinished(ctx.req, ctx.res, { login: { accountId } }, { mergeWithLastSubmission: false });
    }
    if (interaction[2] === 'confirm') {
      const { prompt: { details: missing }, params, session: { accountId } } = details;
      const grant = new provider.Grant({ accountId, clientId: params.client_id });
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      const grantId = await grant.save();
      return provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }
  }

  // Count what the tests measure, at the server.
  if (method === 'POST' && path === '/token') counts.token += 1;
  if (method === 'POST' && path === introspectionPath) counts.introspection += 1;
  if (method === 'POST' && path === '/token/revocation') counts.revocation += 1;
  if (path === '/auth') counts.authorization += 1;

  // Bearer bridge: a resource server authenticates with its backend-services access token.
  const authorization = ctx.get('authorization');
  if (method === 'POST' && path === introspectionPath && /^Bearer /i.test(authorization)) {
    const backend = await provider.ClientCredentials.find(authorization.slice(7).trim());
    if (!backend?.isValid || !bearerClients.has(backend.clientId)) {
      ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      return json(ctx, 401, { error: 'invalid_token', error_description: 'backend token not accepted' });
    }
    const basic = Buffer.from(`${bridgeClient.client_id}:${bridgeClient.client_secret}`).toString('base64');
    ctx.req.headers.authorization = `Basic ${basic}`;
  }

  await next();

  // SMART token responses carry the launch context next to the access token.
  if (method === 'POST' && path === '/token' && ctx.status === 200 && ctx.body?.access_token) {
    const at = await provider.AccessToken.find(ctx.body.access_token);
    if (at?.extra?.patient) ctx.body = { ...ctx.body, patient: at.extra.patient };
  }
});

server.on('request', provider.callback());
process.stdout.write(`LISTENING ${port}\n`);

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
// The Java test holds our stdin open; when it goes away, so do we.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

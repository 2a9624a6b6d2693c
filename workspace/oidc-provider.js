// OAuth2/OIDC provider of the local Databricks stand-in.
//
// Plays a workspace's /oidc/ endpoints (authorize, token, introspection,
// discovery) with node oidc-provider. Listens on loopback, plain HTTP; the
// TLS front door (nginx) forwards https://<host>/oidc/... here.
//
// Everything comes from the environment and from one JSON file written by
// scripts/workspace (mode 0600), never from the command line:
//   MORTAR_WS_NODE_MODULES   folder holding oidc-provider (the cache dir)
//   MORTAR_WS_OIDC_CONFIG    path of the JSON file with clients, users, keys
//   MORTAR_WS_OIDC_KEY       path of the ID token signing key (made on first start)
//   MORTAR_WS_OIDC_PORT      port to listen on (127.0.0.1)
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const config = JSON.parse(fs.readFileSync(process.env.MORTAR_WS_OIDC_CONFIG, 'utf8'));
const port = Number(process.env.MORTAR_WS_OIDC_PORT);
const modules = process.env.MORTAR_WS_NODE_MODULES;
const { default: Provider, errors } = await import(
  pathToFileURL(path.join(modules, 'oidc-provider', 'lib', 'index.js')).href);

// Mounted under /oidc so that issuer and endpoints look like a workspace's.
const MOUNT = '/oidc';
const RESOURCE = config.resource; // the workspace itself, e.g. https://localhost:8443
const RESOURCE_SCOPES = 'sql all-apis';

// The signing key (ID tokens) survives restarts: made once, kept in the state dir.
function signingKey() {
  const file = process.env.MORTAR_WS_OIDC_KEY;
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: crypto.randomUUID() };
  fs.writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
  return jwk;
}

// Some clients get short-lived access tokens, so tests can watch one expire: a second
// service principal, and a second per-user client.
const accessTokenTTL = (client) => config.ttlByClient?.[client?.clientId] ?? (
  client?.clientId === config.shortLivedClientId ? config.ttl.shortAccessToken : config.ttl.accessToken);

const users = new Map(config.users.map((u) => [u.name, u]));

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  }[c]));
}

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: { keys: [signingKey()] },
  cookies: { keys: config.cookieKeys },
  scopes: ['openid', 'offline_access', 'sql', 'all-apis'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
  pkce: { required: () => true }, // S256 is the only method oidc-provider accepts
  routes: {
    authorization: '/v1/authorize',
    token: '/v1/token',
    introspection: '/v1/introspect',
    revocation: '/v1/revoke',
    jwks: '/v1/keys',
    userinfo: '/v1/userinfo',
    end_session: '/v1/logout',
  },
  features: {
    devInteractions: { enabled: false }, // our own login page checks passwords
    clientCredentials: { enabled: true },
    introspection: {
      enabled: true,
      // Only the front door (and a client asking about its own token) may introspect.
      allowedPolicy: async (ctx, client, token) => client.clientId === config.introspectionClientId
        || token.clientId === client.clientId,
    },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Databricks clients send no `resource`: every token is for the workspace.
      defaultResource: async () => RESOURCE,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (ctx, resourceIndicator, client) => {
        if (resourceIndicator !== RESOURCE) throw new errors.InvalidTarget();
        return {
          scope: RESOURCE_SCOPES,
          audience: RESOURCE,
          accessTokenTTL: accessTokenTTL(client),
          accessTokenFormat: 'opaque',
        };
      },
    },
  },
  ttl: {
    AccessToken: (ctx, token, client) => accessTokenTTL(client),
    ClientCredentials: (ctx, token, client) => accessTokenTTL(client),
    RefreshToken: config.ttl.refreshToken,
    AuthorizationCode: 120,
    Grant: config.ttl.refreshToken,
    Session: 24 * 3600,
    Interaction: 600,
    IdToken: config.ttl.accessToken,
  },
  // Single-use refresh tokens, as Databricks' rotating ones: each refresh
  // returns a new one and the old one stops working.
  rotateRefreshToken: true,
  issueRefreshToken: async (ctx, client, code) => client.grantTypeAllowed('refresh_token')
    && code.scopes.has('offline_access'),
  findAccount: async (ctx, sub) => {
    const user = users.get(sub);
    if (!user) return undefined;
    return {
      accountId: sub,
      claims: async () => ({ sub, email: user.email, email_verified: true, name: sub, preferred_username: sub }),
    };
  },
  loadExistingGrant: async (ctx) => {
    // The workspace asks for consent once per user and client, then never again.
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
  },
  interactions: { url: (ctx, interaction) => `${MOUNT}/interaction/${interaction.uid}` },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><title>Error</title><h1>${escapeHtml(out.error)}</h1><p>${escapeHtml(out.error_description || '')}</p>`;
  },
});
provider.proxy = true; // trust X-Forwarded-* from the front door

// Databricks clients ask for offline_access without prompt=consent; oidc-provider
// would drop the scope (and the refresh token) without it, as OIDC says. Add it.
provider.use(async (ctx, next) => {
  if (ctx.path === '/v1/authorize' && ctx.method === 'GET') {
    const scope = String(ctx.query.scope || '').split(' ');
    if (scope.includes('offline_access') && !ctx.query.prompt) {
      ctx.query = { ...ctx.query, prompt: 'consent' };
      // oidc-provider finds its mount path by comparing originalUrl with url.
      ctx.req.originalUrl = `${MOUNT}${ctx.url}`;
    }
  }
  await next();
});

provider.on('server_error', (ctx, err) => console.error('server_error', err?.message));

function loginPage(uid, clientId, error) {
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Sign in to the Mortar workspace</title></head>
<body>
<h1>Sign in</h1>
<p>Application <code>${escapeHtml(clientId)}</code> asks for access to the local workspace.</p>
${error ? `<p id="error" style="color:#b00">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${MOUNT}/interaction/${escapeHtml(uid)}/login" autocomplete="off">
  <label>User <input id="username" name="username" required autofocus></label><br>
  <label>Password <input id="password" name="password" type="password" required></label><br>
  <button id="submit" type="submit">Sign in</button>
</form>
</body></html>`;
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 16384) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function passwordMatches(user, password) {
  if (!user) return false;
  const a = crypto.createHash('sha256').update(user.password).digest();
  const b = crypto.createHash('sha256').update(String(password)).digest();
  return crypto.timingSafeEqual(a, b);
}

async function grantFor(details, accountId) {
  const { prompt: { details: missing }, params, grantId } = details;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId, clientId: params.client_id });
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  if (missing.missingResourceScopes) {
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes)) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
  }
  return grant.save();
}

async function interaction(req, res, rest) {
  const html = (status, body) => {
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(body);
  };
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (err) {
    return html(400, `<!DOCTYPE html><p>Sign-in session expired or unknown: ${escapeHtml(err.message)}</p>`);
  }
  const { uid, prompt, params } = details;
  if (req.method === 'GET' && rest === '') {
    if (prompt.name === 'login') return html(200, loginPage(uid, params.client_id));
    // consent: given on the user's behalf once logged in
    const grantId = await grantFor(details, details.session.accountId);
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  if (req.method === 'POST' && rest === '/login') {
    const form = await readForm(req);
    const name = form.get('username') || '';
    const user = users.get(name);
    if (!passwordMatches(user, form.get('password') || '')) {
      console.log(`login refused for user ${JSON.stringify(name).slice(0, 40)}`);
      return html(401, loginPage(uid, params.client_id, 'Wrong user name or password.'));
    }
    console.log(`login accepted for user ${name}`);
    const grantId = await grantFor(details, name);
    return provider.interactionFinished(req, res, {
      login: { accountId: name },
      consent: { grantId },
    }, { mergeWithLastSubmission: false });
  }
  return html(404, 'not found');
}

// One line per token issued, with no token in it: tests count the token requests a
// client made (for example, one refresh for many concurrent queries).
provider.on('grant.success', (ctx) => {
  console.log(`token issued grant_type=${ctx.oidc.params?.grant_type} client_id=${ctx.oidc.client?.clientId}`);
});
provider.on('grant.error', (ctx, err) => {
  console.log(`token refused grant_type=${ctx.oidc.params?.grant_type} client_id=${ctx.oidc.client?.clientId} error=${err?.error}`);
});

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://localhost');
    if (!url.pathname.startsWith(`${MOUNT}/`)) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      return res.end('{"error":"not_found"}');
    }
    const inner = url.pathname.slice(MOUNT.length);
    const m = inner.match(/^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/);
    if (m) return await interaction(req, res, m[2] || '');
    // Databricks publishes the OAuth 2.0 metadata document; it is the same as OIDC's here.
    if (inner === '/.well-known/oauth-authorization-server') {
      req.url = `${MOUNT}/.well-known/openid-configuration${url.search}`;
    }
    // oidc-provider finds its mount path from originalUrl vs. url.
    req.originalUrl = req.url;
    req.url = req.url.slice(MOUNT.length);
    return callback(req, res);
  } catch (err) {
    console.error('request failed', err?.message);
    if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
    res.end('{"error":"server_error"}');
  }
});
server.listen(port, '127.0.0.1', () => console.log(`oidc provider listening on 127.0.0.1:${port}, issuer ${config.issuer}`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));

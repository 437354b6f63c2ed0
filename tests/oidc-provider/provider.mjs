// A real OpenID Connect provider (the npm package oidc-provider) on 127.0.0.1, for
// avg-loket's sign-in tests and the browser walk. Nothing of avg-loket's side is mocked:
// avg-loket discovers this provider, sends the browser here, and checks what it gets.
//
//   node provider.mjs --redirect-uri URI [--post-logout-redirect-uri URI] [--port N]
//
// Prints `issuer http://127.0.0.1:PORT` on its first line of output once it listens.
//
// The login form asks for a user name (it becomes the subject, `sub`) and a password
// (anything); ticking "second factor" puts `mfa` in the ID token's `amr`. Accounts are
// `NAME` with e-mail `NAME@zorg.example` (verified), unless the test says otherwise.
//
// Test controls (loopback only, never part of a real provider):
//   POST /_test/account  {"sub", "email", "email_verified", "groups", "amr"?, "acr"?}  an
//     account's claims; `amr` and `acr`, when given, are what its sign-ins report
//   POST /_test/fault    {"fault": F}  tampers with the ID token of the next code exchanges:
//     expired | wrong_issuer | wrong_audience | wrong_nonce | bad_signature | none
import http from 'node:http';
import { parseArgs } from 'node:util';
import * as jose from 'jose';
import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'redirect-uri': { type: 'string', multiple: true, default: [] },
    'post-logout-redirect-uri': { type: 'string', multiple: true, default: [] },
    'client-id': { type: 'string', default: 'avg-loket' },
    'client-secret': { type: 'string', default: 'avg-loket-test-secret' },
  },
});

const signing = await jose.generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await jose.exportJWK(signing.privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
// A key the provider never publishes: a token signed with it must be refused.
const stranger = await jose.generateKeyPair('RS256');

const accounts = new Map();
let fault = 'none';

function claimsOf(sub) {
  return accounts.get(sub) ?? { sub, email: `${sub}@zorg.example`, email_verified: true };
}

const server = http.createServer();
await new Promise((resolve) => server.listen(Number(args.port), '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: args['client-id'],
    client_secret: args['client-secret'],
    redirect_uris: args['redirect-uri'],
    post_logout_redirect_uris: args['post-logout-redirect-uri'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingJwk] },
  cookies: { keys: ['avg-loket-test-provider-cookies'] },
  pkce: { required: () => true },
  // Like Entra ID and Keycloak: the e-mail claims in the ID token itself.
  conformIdTokenClaims: false,
  claims: { sid: null, openid: ['sub', 'amr', 'acr', 'auth_time', 'hd'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true },
  },
  async findAccount(ctx, sub) {
    return { accountId: sub, async claims() { return claimsOf(sub); } };
  },
  // A first-party application: no consent screen.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['email', 'email_verified', 'name', 'groups', 'amr', 'acr', 'auth_time', 'hd']);
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = `<!doctype html><html lang="en"><title>Error</title><main><h1>Error</h1><pre>${escape(JSON.stringify(out))}</pre></main></html>`;
  },
});
provider.proxy = false;

// The ID token of a code exchange, tampered with when a fault is set.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || ctx.status !== 200 || fault === 'none' || !ctx.body?.id_token) return;
  const claims = jose.decodeJwt(ctx.body.id_token);
  const now = Math.floor(Date.now() / 1000);
  let key = signing.privateKey;
  switch (fault) {
    case 'expired': claims.iat = now - 7200; claims.exp = now - 3600; break;
    case 'wrong_issuer': claims.iss = 'http://127.0.0.1:1'; break;
    case 'wrong_audience': claims.aud = 'someone-else'; break;
    case 'wrong_nonce': claims.nonce = 'not-the-nonce-that-was-sent'; break;
    case 'bad_signature': key = stranger.privateKey; break;
    default: return;
  }
  ctx.body.id_token = await new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'test-key', typ: 'JWT' })
    .sign(key);
});

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readBody(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

function loginForm(uid, clientName) {
  return `<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Inloggen bij de testorganisatie</title></head>
<body><main>
<h1>Inloggen bij de testorganisatie</h1>
<p>Testaanbieder voor ${escape(clientName)}: elk wachtwoord is goed.</p>
<form method="post" action="/interaction/${escape(uid)}">
  <p><label for="login">Gebruikersnaam</label> <input id="login" name="login" autocomplete="username" required></p>
  <p><label for="password">Wachtwoord</label> <input id="password" name="password" type="password" autocomplete="current-password" required></p>
  <p><input id="mfa" name="mfa" type="checkbox" value="on"> <label for="mfa">Tweede factor (code uit de app)</label></p>
  <p><button type="submit">Inloggen</button></p>
</form>
</main></body></html>`;
}

const callback = provider.callback();
server.on('request', async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (url.pathname.startsWith('/_test/') && req.method === 'POST') {
      const body = JSON.parse((await readBody(req)) || '{}');
      if (url.pathname === '/_test/account') accounts.set(body.sub, body);
      else if (url.pathname === '/_test/fault') fault = body.fault;
      else { res.writeHead(404).end(); return; }
      res.writeHead(204).end();
      return;
    }
    const interaction = url.pathname.match(/^\/interaction\/([\w-]+)$/);
    if (interaction && req.method === 'GET') {
      const details = await provider.interactionDetails(req, res);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(loginForm(details.uid, details.params.client_id));
      return;
    }
    if (interaction && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const account = accounts.get(form.get('login'));
      const amr = account?.amr ?? (form.get('mfa') === 'on' ? ['pwd', 'mfa'] : ['pwd']);
      const login = { accountId: form.get('login'), amr };
      if (account?.acr) login.acr = account.acr;
      await provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
      return;
    }
    callback(req, res);
  } catch (error) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
  }
});

process.stdout.write(`issuer ${issuer}\n`);
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));

#!/usr/bin/env node
// A local OpenID Connect provider (panva/oidc-provider, the certified Node.js OP) for the
// project's end-to-end tests. `xtask/src/oidc.rs` installs it (`npm ci`) and starts it.
//
//   PORT=4011 node provider.mjs            # prints `READY http://127.0.0.1:4011` when listening
//
// Env:
//   PORT                 listen port on 127.0.0.1 (default 4011; 0 = any free port, the READY
//                        line then names the one taken)
//   OIDC_CLIENT_ID       the one client's id (default rust-auth)
//   OIDC_CLIENT_SECRET   its secret (default rust-auth-secret)
//   OIDC_TOKEN_ENDPOINT_AUTH_METHOD  client_secret_basic (default) or client_secret_post.
//                        oidc-provider itself takes either from a client registered with one of
//                        them; with client_secret_basic this file also rejects a /token request
//                        without `Authorization: Basic` (401 invalid_client), so that a client
//                        sending its secret in the body fails here as it would at a strict OP.
//   OIDC_REDIRECT_URIS   comma-separated redirect_uris (default: 127.0.0.1 and localhost on
//                        port 3000, path /auth/callback/oidc), shared by every client below
//
// Two more clients, with the same redirect_uris, authenticate with RFC 7523 assertions:
//   rust-auth-secret-jwt       client_secret_jwt (HS256) with SECRET_JWT_CLIENT_SECRET below
//   rust-auth-private-key-jwt  private_key_jwt; its registered JWKS holds the public halves of
//                              keys/client-rsa.pem (kid rsa-client, RS256) and
//                              keys/client-ec.jwk.json (kid ec-client, ES256). Test keys only.
//   OIDC_EXIT_ON_STDIN_EOF=1  exit when stdin is closed (the parent died); set by oidc.rs
//   OIDC_QUIET=1         no per-request log lines
//
// The client must use PKCE (S256). Dev interactions are on: /interaction/:uid shows a login form
// that accepts ANY login and password (the login becomes `sub`), then a consent form. See
// login-flow.md for the exact plain-HTTP sequence. Authorization responses carry RFC 9207 `iss`.
// Node 20 makes oidc-provider print "Unsupported runtime. Use Node.js v22.x LTS": it works anyway.

import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';

const HOST = '127.0.0.1';
const PORT = Number(process.env.PORT ?? 4011);
if (!Number.isInteger(PORT) || PORT < 0 || PORT > 65535) {
  console.error(`provider: bad PORT=${process.env.PORT}`);
  process.exit(2);
}
const CLIENT_ID = process.env.OIDC_CLIENT_ID || 'rust-auth';
const CLIENT_SECRET = process.env.OIDC_CLIENT_SECRET || 'rust-auth-secret';
const AUTH_METHOD = process.env.OIDC_TOKEN_ENDPOINT_AUTH_METHOD || 'client_secret_basic';
if (!['client_secret_basic', 'client_secret_post'].includes(AUTH_METHOD)) {
  console.error(`provider: unsupported OIDC_TOKEN_ENDPOINT_AUTH_METHOD=${AUTH_METHOD}`);
  process.exit(2);
}
const REDIRECT_URIS = (process.env.OIDC_REDIRECT_URIS
  || 'http://127.0.0.1:3000/auth/callback/oidc,http://localhost:3000/auth/callback/oidc')
  .split(',').map((s) => s.trim()).filter(Boolean);
if (REDIRECT_URIS.length === 0) {
  console.error('provider: OIDC_REDIRECT_URIS names no redirect_uri');
  process.exit(2);
}

const SECRET_JWT_CLIENT_ID = 'rust-auth-secret-jwt';
const SECRET_JWT_CLIENT_SECRET = 'rust-auth-secret-jwt-0123456789abcdef0123456789abcdef';
const PRIVATE_KEY_JWT_CLIENT_ID = 'rust-auth-private-key-jwt';

// The public JWK of a private key file (PEM, or a JWK in JSON), with its kid and alg.
function publicJwk(file, kid, alg) {
  const text = readFileSync(new URL(`./keys/${file}`, import.meta.url), 'utf8');
  const key = text.trimStart().startsWith('{')
    ? createPrivateKey({ key: JSON.parse(text), format: 'jwk' })
    : createPrivateKey(text);
  return { ...createPublicKey(key).export({ format: 'jwk' }), kid, alg, use: 'sig' };
}

// Any login is an account: `alice` -> { sub: "alice", email: "alice@example.com", name: "Alice" }.
function claimsFor(login) {
  return {
    sub: login,
    email: `${login}@example.com`,
    email_verified: true,
    name: login.charAt(0).toUpperCase() + login.slice(1),
  };
}

function configuration() {
  return {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: REDIRECT_URIS,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        // Auth.js's default for OAuth/OIDC providers without `client.token_endpoint_auth_method`.
        token_endpoint_auth_method: AUTH_METHOD,
        id_token_signed_response_alg: 'RS256',
      },
      {
        client_id: SECRET_JWT_CLIENT_ID,
        client_secret: SECRET_JWT_CLIENT_SECRET,
        redirect_uris: REDIRECT_URIS,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_jwt',
        token_endpoint_auth_signing_alg: 'HS256',
        id_token_signed_response_alg: 'RS256',
      },
      {
        client_id: PRIVATE_KEY_JWT_CLIENT_ID,
        redirect_uris: REDIRECT_URIS,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: {
          keys: [
            publicJwk('client-rsa.pem', 'rsa-client', 'RS256'),
            publicJwk('client-ec.jwk.json', 'ec-client', 'ES256'),
          ],
        },
        id_token_signed_response_alg: 'RS256',
      },
    ],
    async findAccount(_ctx, id) {
      const claims = claimsFor(id);
      return {
        accountId: id,
        async claims() { return { ...claims }; },
      };
    },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    // Put the scope-requested claims (email, name) into the id_token too: Auth.js `type: "oidc"`
    // providers build the profile from the id_token, not from userinfo.
    conformIdTokenClaims: false,
    pkce: {
      required: () => true,
      methods: ['S256'],
    },
    features: {
      devInteractions: { enabled: true },
    },
    cookies: {
      keys: ['xtask-oidc-provider-cookie-key-1'],
    },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 600,
      IdToken: 3600,
      Interaction: 3600,
      Grant: 3600,
      Session: 3600,
    },
  };
}

// Listen first (so that PORT=0 works), then build the provider for the issuer of the real port.
let handler = (_req, res) => { res.statusCode = 503; res.end('starting'); };
const server = http.createServer((req, res) => handler(req, res));
server.on('error', (err) => {
  console.error(`provider: cannot listen on ${HOST}:${PORT}: ${err.message}`);
  process.exit(1);
});
server.listen(PORT, HOST, () => {
  const { port } = server.address();
  const issuer = `http://${HOST}:${port}`;
  const provider = new Provider(issuer, configuration());
  provider.on('server_error', (_ctx, err) => console.error('provider server_error:', err));
  if (process.env.OIDC_QUIET !== '1') {
    provider.use(async (ctx, next) => {
      await next();
      const location = ctx.response.get('location');
      console.log(`provider ${ctx.method} ${ctx.path} -> ${ctx.status}${location ? ` Location: ${location.slice(0, 200)}` : ''}`);
    });
  }
  if (AUTH_METHOD === 'client_secret_basic') {
    provider.use(async (ctx, next) => {
      if (ctx.method === 'POST' && ctx.path === '/token' && !/^basic /i.test(ctx.get('authorization'))) {
        // Requests of the assertion clients go on. The body is read here to tell them apart, and
        // handed to oidc-provider as an already parsed body (its documented fallback).
        const chunks = [];
        for await (const chunk of ctx.req) chunks.push(chunk);
        const raw = Buffer.concat(chunks).toString('utf8');
        const form = new URLSearchParams(raw);
        if (form.get('client_id') !== CLIENT_ID && form.has('client_assertion')) {
          ctx.req.body = raw;
          await next();
          return;
        }
        ctx.status = 401;
        ctx.set('WWW-Authenticate', 'Basic realm="token"');
        ctx.set('Cache-Control', 'no-store');
        ctx.body = {
          error: 'invalid_client',
          error_description: 'the client is registered with client_secret_basic: send Authorization: Basic',
        };
        return;
      }
      await next();
    });
  }
  handler = provider.callback();
  console.log(`provider: client ${CLIENT_ID} (${AUTH_METHOD}), ${SECRET_JWT_CLIENT_ID} (client_secret_jwt), ${PRIVATE_KEY_JWT_CLIENT_ID} (private_key_jwt) redirect_uris=${REDIRECT_URIS.join(' ')}`);
  console.log(`READY ${issuer}`);
});

function stop() {
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 1000).unref();
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, stop);
if (process.env.OIDC_EXIT_ON_STDIN_EOF === '1') {
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}

// Self-test of the test fixtures, standalone (does not load @aura-stack/auth).
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";

import { startOidcProvider, accountClaims } from "./fixtures/oidc-server.mjs";
import { completeOidcLogin } from "./fixtures/oidc-login.mjs";
import { CookieJar } from "./fixtures/cookie-jar.mjs";
import { startGitHubServer } from "./fixtures/github-server.mjs";
import { getFreePort } from "./fixtures/free-port.mjs";

const b64url = (b) => Buffer.from(b).toString("base64url");
const pkce = () => {
  const verifier = b64url(randomBytes(32));
  return { verifier, challenge: b64url(createHash("sha256").update(verifier).digest()) };
};
const jwtPayload = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString("utf8"));
const basic = (id, secret) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;

describe("cookie jar", () => {
  test("stores, matches paths, honours deletion and Secure", () => {
    const jar = new CookieJar();
    const res = new Response(null, {
      headers: [
        ["set-cookie", "a=1; Path=/; HttpOnly"],
        ["set-cookie", "b=2; Path=/interaction/x"],
        ["set-cookie", "s=3; Path=/; Secure"],
        ["set-cookie", "gone=1; Path=/"],
      ],
    });
    jar.store("http://127.0.0.1:1/x", res);
    assert.equal(jar.header("http://127.0.0.1:1/"), "a=1; gone=1");
    assert.equal(jar.header("http://127.0.0.1:1/interaction/x"), "b=2; a=1; gone=1");
    assert.equal(jar.header("http://127.0.0.1:1/interaction/xy"), "a=1; gone=1");
    assert.equal(jar.header("https://127.0.0.1:1/"), "a=1; s=3; gone=1");
    assert.equal(jar.header("http://localhost:1/"), undefined);
    jar.store("http://127.0.0.1:1/", new Response(null, { headers: [["set-cookie", "gone=; Path=/; Max-Age=0"], ["set-cookie", "a=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"]] }));
    assert.deepEqual(jar.names().sort(), ["b", "s"]);
    jar.set("manual", "v");
    assert.equal(jar.get("manual"), "v");
    assert.equal(jar.header("http://anything.test/"), "manual=v");
  });
});

describe("OIDC provider fixture", () => {
  let op;
  let redirectUri;
  before(async () => {
    redirectUri = `http://127.0.0.1:${await getFreePort()}/api/auth/callback/oidc`;
    op = await startOidcProvider({ redirectUris: [redirectUri] });
  });
  after(() => op?.close());

  test("discovery", async () => {
    const d = await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json();
    assert.equal(d.issuer, op.issuer);
    assert.equal(d.authorization_endpoint, op.authorizationEndpoint);
    assert.equal(d.token_endpoint, op.tokenEndpoint);
    assert.equal(d.userinfo_endpoint, op.userinfoEndpoint);
    assert.deepEqual(d.code_challenge_methods_supported, ["S256"]);
  });

  async function authorize(extra = {}) {
    const { verifier, challenge } = pkce();
    const state = b64url(randomBytes(16));
    const nonce = b64url(randomBytes(16));
    const u = new URL(op.authorizationEndpoint);
    const params = {
      response_type: "code",
      client_id: op.clientId,
      redirect_uri: redirectUri,
      scope: "openid profile email",
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: "S256",
      ...extra,
    };
    for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
    return { url: u.href, verifier, state, nonce, redirectUri: params.redirect_uri };
  }

  test("login + consent + code exchange + userinfo", async () => {
    const a = await authorize();
    const jar = new CookieJar();
    const { callbackUrl } = await completeOidcLogin(a.url, { username: "ada", jar });
    const cb = new URL(callbackUrl);
    assert.equal(cb.origin + cb.pathname, redirectUri);
    assert.equal(cb.searchParams.get("state"), a.state);
    assert.equal(cb.searchParams.get("iss"), op.issuer);
    const code = cb.searchParams.get("code");
    assert.ok(code);

    const tokenRes = await fetch(op.tokenEndpoint, {
      method: "POST",
      headers: { authorization: basic(op.clientId, op.clientSecret), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirectUri, code_verifier: a.verifier }),
    });
    const tokens = await tokenRes.json();
    assert.equal(tokenRes.status, 200, JSON.stringify(tokens));
    assert.ok(tokens.access_token);
    const claims = jwtPayload(tokens.id_token);
    const expected = accountClaims("ada", op.issuer);
    assert.equal(claims.iss, op.issuer);
    assert.equal(claims.aud, op.clientId);
    assert.equal(claims.sub, "ada");
    assert.equal(claims.name, "Ada Tester");
    assert.equal(claims.email, "ada@example.test");
    assert.equal(claims.picture, expected.picture);
    assert.equal(claims.nonce, a.nonce);

    const ui = await fetch(op.userinfoEndpoint, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(ui.status, 200);
    assert.deepEqual(await ui.json(), expected);

    // a second sign-in with the same jar reuses the provider session (no login form)
    const b = await authorize();
    const second = await completeOidcLogin(b.url, { username: "ignored", jar });
    assert.ok(new URL(second.callbackUrl).searchParams.get("code"));
    assert.ok(!second.steps.some((s) => s.startsWith("POST")), second.steps.join("\n"));
    // the code is single-use (reuse also revokes the grant, so do this after the session-reuse check)
    const again = await fetch(op.tokenEndpoint, {
      method: "POST",
      headers: { authorization: basic(op.clientId, op.clientSecret), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirectUri, code_verifier: a.verifier }),
    });
    assert.equal(again.status, 400);
    assert.equal((await again.json()).error, "invalid_grant");

  });

  test("wrong PKCE verifier is rejected; PKCE is required", async () => {
    const a = await authorize();
    const { callbackUrl } = await completeOidcLogin(a.url, { username: "bob" });
    const code = new URL(callbackUrl).searchParams.get("code");
    const r = await fetch(op.tokenEndpoint, {
      method: "POST",
      headers: { authorization: basic(op.clientId, op.clientSecret), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirectUri, code_verifier: pkce().verifier }),
    });
    assert.equal(r.status, 400);
    assert.equal((await r.json()).error, "invalid_grant");

    const noPkce = await authorize({ code_challenge: undefined, code_challenge_method: undefined });
    const res = await completeOidcLogin(noPkce.url, { username: "bob" });
    const cb = new URL(res.callbackUrl);
    assert.equal(cb.searchParams.get("error"), "invalid_request");
  });

  test("redirect URIs: unknown rejected, addRedirectUri works, consent denial", async () => {
    const other = `http://127.0.0.1:${await getFreePort()}/api/auth/callback/oidc`;
    const bad = await authorize({ redirect_uri: other });
    await assert.rejects(completeOidcLogin(bad.url, { username: "ada" }), /redirect_uri/);

    op.addRedirectUri(other);
    const ok = await authorize({ redirect_uri: other });
    const res = await completeOidcLogin(ok.url, { username: "carol" });
    assert.ok(res.callbackUrl.startsWith(`${other}?`));

    const denied = await authorize({ redirect_uri: other });
    const d = await completeOidcLogin(denied.url, { username: "dave", consent: false });
    assert.equal(new URL(d.callbackUrl).searchParams.get("error"), "access_denied");
    assert.equal(new URL(d.callbackUrl).searchParams.get("state"), denied.state);
    assert.deepEqual(op.errors, []);
  });
});

describe("GitHub server fixture", () => {
  let gh;
  before(async () => {
    gh = await startGitHubServer();
  });
  after(() => gh?.close());

  const redirectUri = "http://127.0.0.1:3999/api/auth/callback/github";
  async function authorize() {
    const { verifier, challenge } = pkce();
    const state = b64url(randomBytes(16));
    const u = new URL(gh.authorizeURL);
    u.search = new URLSearchParams({ client_id: gh.clientId, redirect_uri: redirectUri, state, scope: "read:user user:email", code_challenge: challenge, code_challenge_method: "S256" });
    const r = await fetch(u, { redirect: "manual" });
    assert.equal(r.status, 302);
    const loc = new URL(r.headers.get("location"));
    assert.equal(loc.origin + loc.pathname, redirectUri);
    assert.equal(loc.searchParams.get("state"), state);
    return { code: loc.searchParams.get("code"), verifier };
  }
  const exchange = (code, verifier, { json = true, extra = {} } = {}) =>
    fetch(gh.tokenURL, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...(json ? { accept: "application/json" } : {}) },
      body: new URLSearchParams({ client_id: gh.clientId, client_secret: gh.clientSecret, code, redirect_uri: redirectUri, code_verifier: verifier, ...extra }),
    });

  test("authorize -> token -> /user -> /user/emails", async () => {
    const { code, verifier } = await authorize();
    const t = await (await exchange(code, verifier)).json();
    assert.equal(t.token_type, "bearer");
    assert.ok(t.access_token);
    assert.equal(t.scope, "read:user,user:email");

    const ua = { "user-agent": "fixtures-test" };
    const user = await fetch(gh.userURL, { headers: { authorization: `Bearer ${t.access_token}`, ...ua } });
    assert.equal(user.status, 200);
    assert.deepEqual(await user.json(), { id: 1234567, login: "octocat", name: "Mona Octocat", email: null, avatar_url: `${gh.origin}/avatar.png` });
    const emails = await (await fetch(gh.emailsURL, { headers: { authorization: `token ${t.access_token}`, ...ua } })).json();
    assert.deepEqual(emails.find((e) => e.primary), { email: "octocat@private.example.test", primary: true, verified: true, visibility: "private" });
    assert.equal(emails.length, 2);

    // GitHub answers 403 without a User-Agent (Node's fetch sends "node" by default, so send an empty one)
    const noUa = await fetch(gh.userURL, { headers: { authorization: `Bearer ${t.access_token}`, "user-agent": "" } });
    assert.equal(noUa.status, 403);
    await noUa.text();
    const badTok = await fetch(gh.userURL, { headers: { authorization: "Bearer nope", ...ua } });
    assert.equal(badTok.status, 401);
    await badTok.text();

    gh.setUser({ name: null, login: "hubot" });
    gh.setEmails([]);
    assert.equal((await (await fetch(gh.userURL, { headers: { authorization: `Bearer ${t.access_token}`, ...ua } })).json()).login, "hubot");
    assert.deepEqual(await (await fetch(gh.emailsURL, { headers: { authorization: `Bearer ${t.access_token}`, ...ua } })).json(), []);
    gh.setUser(null);
    gh.setEmails(null);

    const rec = gh.requests.find((r) => r.path === "/login/oauth/access_token");
    assert.equal(rec.method, "POST");
    assert.match(rec.body, /code_verifier=/);
  });

  test("token endpoint errors and form encoding", async () => {
    const a = await authorize();
    const wrong = await (await exchange(a.code, pkce().verifier)).json();
    assert.equal(wrong.error, "bad_verification_code");
    const reused = await (await exchange(a.code, a.verifier)).json(); // single use
    assert.equal(reused.error, "bad_verification_code");

    const b = await authorize();
    const badSecret = await (await exchange(b.code, b.verifier, { extra: { client_secret: "nope" } })).json();
    assert.equal(badSecret.error, "incorrect_client_credentials");

    const c = await authorize();
    const form = await exchange(c.code, c.verifier, { json: false });
    assert.match(form.headers.get("content-type"), /x-www-form-urlencoded/);
    const parsed = new URLSearchParams(await form.text());
    assert.ok(parsed.get("access_token"));
    assert.equal(parsed.get("token_type"), "bearer");

    // Basic auth instead of body credentials
    const d = await authorize();
    const viaBasic = await fetch(gh.tokenURL, {
      method: "POST",
      headers: { authorization: basic(gh.clientId, gh.clientSecret), accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ code: d.code, redirect_uri: redirectUri, code_verifier: d.verifier }),
    });
    assert.ok((await viaBasic.json()).access_token);
  });

  test("deny", async () => {
    const denying = await startGitHubServer({ deny: true });
    try {
      const r = await fetch(`${denying.authorizeURL}?client_id=${denying.clientId}&redirect_uri=${encodeURIComponent(redirectUri)}&state=xyz`, { redirect: "manual" });
      const loc = new URL(r.headers.get("location"));
      assert.equal(loc.searchParams.get("error"), "access_denied");
      assert.equal(loc.searchParams.get("state"), "xyz");
      assert.equal(loc.searchParams.get("code"), null);
    } finally {
      await denying.close();
    }
  });
});

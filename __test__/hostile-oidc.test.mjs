// A hostile OpenID Provider (fixtures/hostile-oidc.mjs) against the real core, through `handler`
// on node:http. Each test is named after the OpenID Foundation RP conformance module it mirrors
// (rp-* from the RP test suite; oidcc-client-test-* in the current suite) and asserts the exact
// error code the browser is sent to — so removing the check turns the test red.
import { test, describe } from "node:test"
import assert from "node:assert/strict"
import { startApp, CookieJar, SECRET, SALT } from "./helpers/world.mjs"
import { startHostileOidc, hostileFlow } from "./fixtures/hostile-oidc.mjs"

/** A fresh provider and app per test: discovery and JWKS caches never leak between tests. */
async function withIdp(behave, fn, appConfig = {}) {
  const idp = await startHostileOidc(behave)
  const app = await startApp((origin) => ({ oauth: [idp.provider()], baseURL: origin, secret: SECRET, salt: SALT, ...appConfig }))
  try {
    return await fn({ idp, app })
  } finally {
    await app.close()
    await idp.close()
  }
}

function refusedWith(res, code) {
  assert.equal(res.status, 302, "the browser is redirected to the error page, never given a 5xx")
  const loc = new URL(res.headers.get("location"), "http://x")
  assert.equal(loc.pathname, "/api/auth/error")
  assert.equal(loc.searchParams.get("code"), code)
  const sessions = res.headers.getSetCookie().filter((c) => /^(__Host-)?aura-auth\.session/.test(c) && !/Max-Age=0/.test(c))
  assert.deepEqual(sessions, [], "no session cookie is set")
}

async function acceptedAs(app, jar, res, sub = "alice") {
  assert.equal(res.status, 302)
  assert.equal(res.headers.get("location"), "/dashboard")
  const s = await (await fetch(`${app.base}/session`, { headers: { cookie: jar.header(app.base) } })).json()
  assert.equal(s.authenticated, true)
  assert.equal(s.session.user.sub, sub)
  assert.equal(s.session.user.provider, "hostile")
  return s
}

async function refuses(behave, code, { stage = "callback", appConfig, check } = {}) {
  await withIdp(
    behave,
    async ({ idp, app }) => {
      const jar = new CookieJar()
      const out = await hostileFlow(app, jar)
      assert.equal(out.stage, stage)
      refusedWith(out.res, code)
      if (check) await check({ idp, app, jar, out })
    },
    appConfig,
  )
}

async function accepts(behave, check) {
  await withIdp(behave, async ({ idp, app }) => {
    const jar = new CookieJar()
    const { res } = await hostileFlow(app, jar)
    const s = await acceptedAs(app, jar, res)
    if (check) await check({ idp, app, jar, session: s })
  })
}

describe("happy paths: the hostile provider behaving well (RS256, PS256, ES256, ES384, EdDSA)", () => {
  test("rp-id_token-sig-rs256: RS256 id_token accepted; PKCE verifier and Basic client auth sent", () =>
    accepts({}, ({ idp, session }) => {
      assert.equal(session.session.user.name, "Alice Hostile")
      assert.equal(session.session.user.email, "alice@hostile.test")
      assert.ok(idp.lastTokenRequest.code_verifier, "PKCE verifier sent")
      assert.equal(idp.counts.userinfo, 1)
    }))
  test("rp-id_token-sig-ps256: PS256 id_token accepted", () => accepts({ alg: "PS256" }))
  test("rp-id_token-sig-es256: ES256 id_token accepted", () => accepts({ alg: "ES256" }))
  test("rp-id_token-sig-es384: ES384 id_token accepted", () => accepts({ alg: "ES384" }))
  test("rp-id_token-sig-eddsa: EdDSA (Ed25519) id_token accepted", () => accepts({ alg: "EdDSA" }))
  test("an extra audience WITH azp = our client is accepted (so the next test refuses for the right reason)", () =>
    accepts({ claims: (c, { clientId }) => ({ ...c, aud: [clientId, "other-client"], azp: clientId }) }))
})

describe("id_token claims", () => {
  test("rp-id_token-iss-mismatch: id_token from another issuer → ID_TOKEN_INVALID", () =>
    refuses({ claims: (c) => ({ ...c, iss: "https://evil.example" }) }, "ID_TOKEN_INVALID"))
  test("rp-id_token-iss-mismatch: issuer with a trailing slash is a different issuer → ID_TOKEN_INVALID", () =>
    refuses({ claims: (c) => ({ ...c, iss: `${c.iss}/` }) }, "ID_TOKEN_INVALID"))
  test("rp-id_token-aud-mismatch: id_token for another client → ID_TOKEN_INVALID", () =>
    refuses({ claims: (c) => ({ ...c, aud: "someone-else" }) }, "ID_TOKEN_INVALID"))
  test("rp-id_token-aud-missing: id_token without aud → ID_TOKEN_INVALID", () =>
    refuses({ claims: ({ aud, ...c }) => c }, "ID_TOKEN_INVALID"))
  test("rp-id_token-azp-missing (multiple audiences without azp) → ID_TOKEN_INVALID", () =>
    refuses({ claims: (c, { clientId }) => ({ ...c, aud: [clientId, "other-client"] }) }, "ID_TOKEN_INVALID"))
  test("rp-id_token-azp-mismatch: azp names another client → ID_TOKEN_INVALID", () =>
    refuses({ claims: (c, { clientId }) => ({ ...c, aud: [clientId, "other-client"], azp: "other-client" }) }, "ID_TOKEN_INVALID"))
  test("rp-id_token-sub-missing: id_token without sub → ID_TOKEN_INVALID", () =>
    refuses({ claims: ({ sub, ...c }) => c }, "ID_TOKEN_INVALID"))
  test("rp-id_token-expired: exp an hour ago → ID_TOKEN_INVALID", () =>
    refuses({ claims: (c) => ({ ...c, exp: Math.floor(Date.now() / 1000) - 3600 }) }, "ID_TOKEN_INVALID"))
  test("rp-id_token-exp-missing: no exp → ID_TOKEN_INVALID", () =>
    refuses({ claims: ({ exp, ...c }) => c }, "ID_TOKEN_INVALID"))
  test("rp-id_token-missing: token response without id_token → ID_TOKEN_INVALID", () =>
    refuses({ omitIdToken: true }, "ID_TOKEN_INVALID"))
  test("rp-nonce-invalid: nonce of another sign-in → NONCE_MISMATCH", () =>
    refuses({ claims: (c) => ({ ...c, nonce: "attacker-replayed-nonce" }) }, "NONCE_MISMATCH"))
  test("rp-nonce-unless-code-flow (nonce missing) → NONCE_MISMATCH", () =>
    refuses({ claims: ({ nonce, ...c }) => c }, "NONCE_MISMATCH"))
  test("nonce of the wrong JSON type (number) → NONCE_MISMATCH", () =>
    refuses({ claims: (c) => ({ ...c, nonce: 12345 }) }, "NONCE_MISMATCH"))
})

describe("id_token signatures and keys", () => {
  test("rp-id_token-sig-none: alg none → ID_TOKEN_INVALID (the JWKS is not even needed)", () =>
    refuses({ alg: "none" }, "ID_TOKEN_INVALID", { check: ({ idp }) => assert.equal(idp.counts.userinfo, 0) }))
  test("rp-id_token-sig-hs256 with the provider's public key as HMAC secret (key confusion) → ID_TOKEN_INVALID", () =>
    refuses({ alg: "HS256" }, "ID_TOKEN_INVALID"))
  test("rp-id_token-bad-sig-rs256: one flipped bit in an RS256 signature → ID_TOKEN_INVALID", () =>
    refuses({ alg: "RS256", corruptSignature: true }, "ID_TOKEN_INVALID"))
  test("rp-id_token-bad-sig-es256: one flipped bit in an ES256 signature → ID_TOKEN_INVALID", () =>
    refuses({ alg: "ES256", corruptSignature: true }, "ID_TOKEN_INVALID"))
  test("rp-id_token-bad-sig-eddsa: one flipped bit in an EdDSA signature → ID_TOKEN_INVALID", () =>
    refuses({ alg: "EdDSA", corruptSignature: true }, "ID_TOKEN_INVALID"))
  test("signed by rs-2 but claiming kid rs-1 → ID_TOKEN_INVALID", () =>
    refuses({ signWith: "rs-2", headerKid: "rs-1" }, "ID_TOKEN_INVALID"))
  test("algorithm confusion: header says ES256 but names the RSA key's kid → ID_TOKEN_INVALID", () =>
    refuses({ alg: "RS256", headerAlg: "ES256" }, "ID_TOKEN_INVALID"))
  test("a JWK published with use=enc is not used for signatures → ID_TOKEN_INVALID", () =>
    refuses({ jwks: ["rs-1"], jwkOverride: (k) => ({ ...k, use: "enc" }) }, "ID_TOKEN_INVALID"))
  test("a JWK whose own alg (PS256) differs from the header's (RS256) is not used → ID_TOKEN_INVALID", () =>
    refuses({ jwks: ["rs-1"], jwkOverride: (k) => ({ ...k, alg: "PS256" }) }, "ID_TOKEN_INVALID"))

  test("rp-id_token-kid-absent-single-jwks: ACCEPTED — no kid and exactly one usable key is unambiguous", () =>
    accepts({ headerKid: null, jwks: ["rs-1"] }))
  test("rp-id_token-kid-absent-multiple-jwks: no kid and several usable keys → ID_TOKEN_INVALID", () =>
    refuses({ headerKid: null, jwks: ["rs-1", "rs-2"] }, "ID_TOKEN_INVALID"))

  test("rp-key-rotation-op-sign-key: unknown kid → one JWKS refetch, rate limited, then refused", () =>
    withIdp({ jwks: ["rs-1"] }, async ({ idp, app }) => {
      // A good sign-in first: the keys are cached (one JWKS fetch).
      let jar = new CookieJar()
      await acceptedAs(app, jar, (await hostileFlow(app, jar)).res)
      assert.equal(idp.counts.jwks, 1)
      // Signed with a key the JWKS does not have: exactly one refetch, then refused.
      idp.set({ signWith: "rs-2" })
      jar = new CookieJar()
      refusedWith((await hostileFlow(app, jar)).res, "ID_TOKEN_INVALID")
      assert.equal(idp.counts.jwks, 2, "refetched once")
      // Another unknown kid right after: no further refetch (rate limited), still refused.
      idp.set({ signWith: "rs-2", headerKid: "made-up-kid" })
      jar = new CookieJar()
      refusedWith((await hostileFlow(app, jar)).res, "ID_TOKEN_INVALID")
      assert.equal(idp.counts.jwks, 2, "rate limited: no second refetch")
      // The known key keeps working from the cache.
      idp.set({ signWith: "rs-1", headerKid: undefined })
      jar = new CookieJar()
      await acceptedAs(app, jar, (await hostileFlow(app, jar)).res)
      assert.equal(idp.counts.jwks, 2)
    }))

  test("rp-key-rotation-op-sign-key (legitimate rotation): the refetch picks up the provider's new key", () =>
    withIdp({ jwks: ["rs-1"], jwksLater: ["rs-1", "rs-2"] }, async ({ idp, app }) => {
      let jar = new CookieJar()
      await acceptedAs(app, jar, (await hostileFlow(app, jar)).res)
      idp.set({ signWith: "rs-2" })
      jar = new CookieJar()
      await acceptedAs(app, jar, (await hostileFlow(app, jar)).res)
      assert.equal(idp.counts.jwks, 2)
    }))

  test("an empty JWKS (`keys: []`) → ID_TOKEN_INVALID", () => refuses({ jwks: [] }, "ID_TOKEN_INVALID"))
  test("a JWKS without `keys` → ID_TOKEN_INVALID", () =>
    refuses({ jwksBody: ({ keys }) => ({ key: keys }) }, "ID_TOKEN_INVALID"))
  test("a JWKS whose keys are not JWKs (strings, nulls, numbers) → ID_TOKEN_INVALID", () =>
    refuses({ jwksBody: () => ({ keys: ["rs-1", null, 42, {}, { kty: "RSA" }] }) }, "ID_TOKEN_INVALID"))
})

describe("authorization response and discovery", () => {
  test("RFC 9207: iss parameter removed although the provider advertises it → ISSUER_MISSING (no code exchange)", () =>
    refuses({ authorizeIss: "omit", advertiseIss: true }, "ISSUER_MISSING", {
      check: ({ idp }) => assert.equal(idp.counts.token, 0, "the code is never redeemed"),
    }))
  test("RFC 9207: a wrong iss parameter → ISSUER_MISMATCH (no code exchange)", () =>
    refuses({ authorizeIss: "wrong" }, "ISSUER_MISMATCH", { check: ({ idp }) => assert.equal(idp.counts.token, 0) }))
  test("RFC 9207: a wrong iss is refused even when the provider does not advertise the parameter", () =>
    refuses({ authorizeIss: "wrong", advertiseIss: false }, "ISSUER_MISMATCH"))
  test("RFC 9207: no iss from a provider that does not advertise it is fine (accepted)", () =>
    accepts({ authorizeIss: "omit", advertiseIss: false }))
  test("an iss parameter edited on the callback URL (mix-up attack) → ISSUER_MISMATCH", () =>
    withIdp({}, async ({ app }) => {
      const jar = new CookieJar()
      const { res } = await hostileFlow(app, jar, { editCallback: (u) => u.searchParams.set("iss", "https://accounts.evil.example") })
      refusedWith(res, "ISSUER_MISMATCH")
    }))

  test("rp-discovery-issuer-not-matching-config: discovery names another issuer → DISCOVERY_FAILED at signIn", () =>
    refuses({ discovery: (m) => ({ ...m, issuer: "https://evil.example" }) }, "DISCOVERY_FAILED", {
      stage: "signIn",
      check: ({ idp }) => assert.equal(idp.counts.authorize, 0, "the browser never leaves for the provider"),
    }))
  test("rp-discovery-issuer-not-matching-config: discovery issuer with a trailing slash → DISCOVERY_FAILED", () =>
    refuses({ discovery: (m) => ({ ...m, issuer: `${m.issuer}/` }) }, "DISCOVERY_FAILED", { stage: "signIn" }))
  test("discovery pointing the token endpoint at plain http off loopback → DISCOVERY_FAILED", () =>
    refuses({ discovery: (m) => ({ ...m, token_endpoint: "http://evil.example/token" }) }, "DISCOVERY_FAILED", { stage: "signIn" }))
  test("discovery without required fields (no jwks_uri) → DISCOVERY_FAILED", () =>
    refuses({ discovery: ({ jwks_uri, ...m }) => m }, "DISCOVERY_FAILED", { stage: "signIn" }))
})

describe("token and userinfo responses", () => {
  test("rp-userinfo-bad-sub-claim: userinfo sub ≠ id_token sub → SUBJECT_MISMATCH", () =>
    refuses({ userinfo: (u) => ({ ...u, sub: "mallory" }) }, "SUBJECT_MISMATCH"))
  test("rp-userinfo-bad-sub-claim: userinfo without sub → SUBJECT_MISMATCH", () =>
    refuses({ userinfo: ({ sub, ...u }) => u }, "SUBJECT_MISMATCH"))
  test("userinfo cannot overwrite the id_token's sub with a different type (number 0) → SUBJECT_MISMATCH", () =>
    refuses({ userinfo: (u) => ({ ...u, sub: 0 }) }, "SUBJECT_MISMATCH"))
  for (const type of ["bearer", "BEARER", "bEaReR"]) {
    test(`rp-token_type-case: token_type "${type}" is ACCEPTED (case-insensitive, RFC 6749 §5.1)`, () =>
      accepts({ tokenBody: (b) => ({ ...b, token_type: type }) }))
  }
  test("missing expires_in is ACCEPTED (it is only RECOMMENDED)", () =>
    accepts({ tokenBody: ({ expires_in, ...b }) => b }))
  test("a token response without access_token → TOKEN_EXCHANGE_FAILED", () =>
    refuses({ tokenBody: ({ access_token, ...b }) => b }, "TOKEN_EXCHANGE_FAILED"))
  test("a code the provider refuses (invalid_grant) → TOKEN_EXCHANGE_FAILED, not a 500", () =>
    withIdp({}, async ({ idp, app }) => {
      const { res } = await hostileFlow(app, new CookieJar(), {
        editCallback: (u) => u.searchParams.set("code", "code-the-provider-never-issued"),
      })
      refusedWith(res, "TOKEN_EXCHANGE_FAILED")
      assert.equal(idp.counts.token, 1)
      assert.equal(idp.counts.userinfo, 0)
    }))
})

// Review round 2 (issue 15): one regression test per finding, named after it, against the real
// OpenID provider (oidc-provider) and the GitHub-shaped server.
import { test, describe, before, after } from "node:test"
import assert from "node:assert/strict"
import { startProviders, startApp, signIn, sessionOf, CookieJar, SECRET, SALT, lib } from "./helpers/world.mjs"

let world
before(async () => {
  world = await startProviders()
})
after(async () => {
  await world.close()
})

function appWith(extra, mount = "handler") {
  return startApp((origin) => ({ oauth: world.providers(), baseURL: origin, secret: SECRET, salt: SALT, logger: { level: "off" }, ...extra }), { mount })
}

function errorCode(res) {
  assert.equal(res.status, 302, "the browser is redirected, never given a 5xx")
  return new URL(res.headers.get("location"), "http://x").searchParams.get("code")
}

function noSession(res) {
  assert.ok(!res.headers.getSetCookie().some((c) => /^aura-auth\.session/.test(c) && !/Max-Age=0/.test(c)), "no session cookie")
}

async function signInWith(callbacks, provider = "oidc") {
  const app = await appWith({ callbacks })
  try {
    const jar = new CookieJar()
    const { res } = await signIn(app, jar, provider, { username: "mallory" })
    return { res, authenticated: (await sessionOf(app, jar)).body.authenticated }
  } finally {
    await app.close()
  }
}

describe("finding 1: a signIn hook lets a user in only by returning true", () => {
  for (const [name, result] of [
    ["undefined", undefined],
    ["null", null],
    ["false", false],
    ["an empty string", ""],
  ]) {
    test(`finding 1: signIn returning ${name} refuses (ACCESS_DENIED)`, async () => {
      const { res, authenticated } = await signInWith({ signIn: async () => result })
      assert.equal(errorCode(res), "ACCESS_DENIED")
      noSession(res)
      assert.equal(authenticated, false)
    })
  }
  test("finding 1: an allowlist written as `if (allowed) return true` admits nobody else", async () => {
    const { res, authenticated } = await signInWith({
      signIn: ({ user }) => {
        if (user.sub === "alice") return true
      },
    })
    assert.equal(errorCode(res), "ACCESS_DENIED")
    assert.equal(authenticated, false)
  })
  for (const [name, result] of [
    ["a number", 1],
    ["an object", { ok: true }],
    ["a function", () => true],
    ["an array", [true]],
  ]) {
    test(`finding 1: signIn returning ${name} is CALLBACK_ERROR`, async () => {
      const { res, authenticated } = await signInWith({ signIn: () => result })
      assert.equal(errorCode(res), "CALLBACK_ERROR")
      noSession(res)
      assert.equal(authenticated, false)
    })
  }
  test("finding 1: signIn returning true signs in", async () => {
    const { res, authenticated } = await signInWith({ signIn: () => true })
    assert.equal(res.headers.get("location"), "/dashboard")
    assert.equal(authenticated, true)
  })
  for (const [name, result] of [
    ["undefined", undefined],
    ["null", null],
    ["a string", "session"],
  ]) {
    test(`finding 1: session returning ${name} at sign-in is CALLBACK_ERROR`, async () => {
      const { res, authenticated } = await signInWith({ session: () => result })
      assert.equal(errorCode(res), "CALLBACK_ERROR")
      assert.equal(authenticated, false)
    })
  }
  for (const [name, result] of [
    ["undefined", undefined],
    ["null", null],
    ["a number", 7],
  ]) {
    test(`finding 1: redirect returning ${name} is CALLBACK_ERROR (never a silent default)`, async () => {
      const { res, authenticated } = await signInWith({ redirect: () => result })
      assert.equal(errorCode(res), "CALLBACK_ERROR")
      assert.equal(authenticated, false)
    })
  }
  test("finding 1: a profile function returning nothing is CALLBACK_ERROR", async () => {
    const app = await startApp((origin) => ({
      oauth: world.providers().map((p) => (p.id === "github" ? { ...p, profile: () => undefined } : p)),
      baseURL: origin,
      secret: SECRET,
      salt: SALT,
      logger: { level: "off" },
    }))
    try {
      const jar = new CookieJar()
      const { res } = await signIn(app, jar, "github")
      assert.equal(errorCode(res), "CALLBACK_ERROR")
      assert.equal((await sessionOf(app, jar)).body.authenticated, false)
    } finally {
      await app.close()
    }
  })
})

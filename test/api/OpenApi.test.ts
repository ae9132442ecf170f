import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Runtime } from "effect"
import * as Api from "../../http/api/Api.ts"
import { openApiPath } from "../../http/api/OpenApi.ts"
import type { ApiServices } from "../../http/api/Route.ts"
import * as HttpConfig from "../../http/HttpConfig.ts"

interface Operation {
  readonly parameters: ReadonlyArray<{ readonly name: string; readonly in: string }>
  readonly responses: Record<string, { readonly content?: unknown }>
  readonly security: ReadonlyArray<unknown>
}

interface Document {
  readonly openapi: string
  readonly paths: Record<string, Record<string, Operation>>
  readonly components: { readonly schemas: Record<string, unknown>; readonly securitySchemes: Record<string, unknown> }
}

const refsIn = (value: unknown): ReadonlyArray<string> => {
  if (Array.isArray(value)) return value.flatMap(refsIn)
  if (value === null || typeof value !== "object") return []
  return Object.entries(value).flatMap(([key, inner]) =>
    key === "$ref" && typeof inner === "string" ? [inner] : refsIn(inner)
  )
}

/**
 * The API mounted on its own, answering in-process (`app.request`). The routes used here (the
 * document, and listing what is mounted) touch no service, so the runtime carries only the HTTP
 * settings the router reads for every request (the client's address).
 */
const app = Api.routes(
  Runtime.make({
    context: Context.add(Context.unsafeMake<ApiServices>(new Map()), HttpConfig.HttpConfig, HttpConfig.defaults),
    runtimeFlags: Runtime.defaultRuntime.runtimeFlags,
    fiberRefs: Runtime.defaultRuntime.fiberRefs
  })
)

const fetchDocument = Effect.promise(async () => {
  const response = await app.request("/openapi.json")
  return { response, doc: (await response.json()) as Document }
})

describe("the OpenAPI document", () => {
  it.effect("is served as JSON, lists every mounted route and resolves every reference", () =>
    Effect.gen(function* () {
      const { response, doc } = yield* fetchDocument
      assert.strictEqual(response.status, 200)
      assert.match(response.headers.get("content-type") ?? "", /application\/json/)
      assert.strictEqual(doc.openapi, "3.1.0")
      assert.deepInclude(doc.components.securitySchemes, {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          description: "A session token from POST /api/login (or /api/session/refresh), or an API token"
        }
      })

      const mounted = app.routes.filter((r) => r.method !== "ALL")
      assert.strictEqual(mounted.length, Api.table.length)
      for (const r of mounted) {
        const operation = doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()]
        assert.isDefined(operation, `${r.method} ${r.path} is not in the document`)
        for (const name of [...r.path.matchAll(/:(\w+)/g)].map((m) => m[1]))
          assert.isTrue(
            operation?.parameters.some((p) => p.name === name && p.in === "path"),
            `${r.path}: path parameter ${name}`
          )
        assert.isTrue(
          Object.values(operation?.responses ?? {}).every((answer) => answer.content !== undefined),
          `${r.path}: every answer has a body schema`
        )
      }
      const operations = Object.values(doc.paths).flatMap((byMethod) => Object.keys(byMethod))
      assert.strictEqual(operations.length, mounted.length)

      for (const ref of refsIn(doc)) {
        assert.match(ref, /^#\/components\/schemas\//)
        assert.property(doc.components.schemas, ref.replace("#/components/schemas/", ""), ref)
      }
    })
  )

  it.effect("marks what needs a token and describes each failure with the error shape", () =>
    Effect.gen(function* () {
      const { doc } = yield* fetchDocument
      assert.deepStrictEqual(doc.paths["/api/knowledge"]?.get?.security, [])
      assert.deepStrictEqual(doc.paths["/api/agents"]?.get?.security, [{ bearerAuth: [] }])
      assert.containsAllKeys(doc.paths["/api/cases/{id}"]?.patch?.responses ?? {}, [
        "200",
        "400",
        "401",
        "403",
        "404",
        "503"
      ])
      assert.containsAllKeys(doc.paths["/api/cases"]?.post?.responses ?? {}, ["201", "409"])
      assert.includeMembers(
        (doc.paths["/api/interactions"]?.get?.parameters ?? []).map((p) => p.name),
        ["type", "subtype", "state", "queue", "agent", "customer", "from", "to", "limit", "cursor"]
      )
    })
  )
})

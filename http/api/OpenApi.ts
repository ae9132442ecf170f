import { Effect, JSONSchema, Schema, type SchemaAST } from "effect"
import { ErrorBody, type ErrorCode, statusOf } from "./ApiError.ts"
import { publicRoute, type Route } from "./Route.ts"

type JsonSchema = JSONSchema.JsonSchema7

const OpenApiDocument = Schema.Struct({
  openapi: Schema.Literal("3.1.0"),
  info: Schema.Struct({ title: Schema.String, version: Schema.String, description: Schema.String }),
  tags: Schema.Array(Schema.Struct({ name: Schema.String })),
  paths: Schema.Record({ key: Schema.String, value: Schema.Record({ key: Schema.String, value: Schema.Unknown }) }),
  components: Schema.Struct({
    schemas: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
    securitySchemes: Schema.Record({ key: Schema.String, value: Schema.Unknown })
  })
}).annotations({ identifier: "OpenApiDocument" })
export type OpenApiDocument = typeof OpenApiDocument.Type

/** `/cases/:id` → `/api/cases/{id}`. */
export const openApiPath = (path: string): string => `/api${path.replace(/:(\w+)/g, "{$1}")}`

const roleText = (route: Route): string => {
  if (route.access === "public") return "Anyone, no token needed."
  if (route.access === "signedIn") return "Any signed-in user; what they see depends on their role."
  return `Signed-in callers with role ${route.access.join(" or ")} (a manager may do all an agent may); others get 403.`
}

/** The failures a route may answer with, in status order. */
const failuresOf = (route: Route): ReadonlyArray<ErrorCode> => {
  const input = [route.schemas.params, route.schemas.query, route.schemas.body].some((s) => s !== undefined)
  const codes: Array<ErrorCode> = [
    ...(input ? (["invalid_request"] as const) : []),
    ...(route.access === "public" ? [] : (["unauthenticated"] as const)),
    ...(Array.isArray(route.access) ? (["forbidden"] as const) : []),
    ...route.errors,
    "unavailable"
  ]
  return [...new Set(codes)].sort((a, b) => statusOf[a] - statusOf[b])
}

/**
 * The OpenAPI 3.1 description of `table`, from the same Schemas the router decodes and encodes
 * with. Named Schemas (annotated with an `identifier`) become shared components.
 */
export const document = (table: ReadonlyArray<Route>): OpenApiDocument => {
  const definitions: Record<string, JsonSchema> = {}
  const schemaOf = (ast: SchemaAST.AST): JsonSchema =>
    JSONSchema.fromAST(ast, { definitions, definitionPath: "#/components/schemas/", target: "openApi3.1" })
  const resolved = (schema: JsonSchema): JsonSchema => {
    if (!("$ref" in schema)) return schema
    const name = schema.$ref.replace("#/components/schemas/", "")
    return definitions[name] ?? schema
  }
  const parameters = (ast: SchemaAST.AST | undefined, where: "path" | "query") => {
    if (ast === undefined) return []
    const schema = resolved(schemaOf(ast))
    if (!("properties" in schema)) return []
    const required: ReadonlyArray<string> = "required" in schema ? schema.required : []
    return Object.entries(schema.properties).map(([name, property]) => ({
      name,
      in: where,
      required: where === "path" || required.includes(name),
      ...(property.description === undefined ? {} : { description: property.description }),
      schema: property
    }))
  }
  const json = (schema: JsonSchema) => ({ content: { "application/json": { schema } } })
  const bytes = (type: string) => ({ content: { [type]: { schema: { type: "string", format: "binary" } } } })
  const errorSchema = schemaOf(ErrorBody.ast)

  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of table) {
    const path = openApiPath(route.path)
    const raw = route.raw
    const answer =
      raw === undefined || raw.responseType === "application/json"
        ? json(schemaOf(route.schemas.response))
        : bytes(raw.responseType)
    const responses: Record<string, unknown> = {
      [String(route.status)]: { description: route.summary, ...answer }
    }
    for (const code of failuresOf(route))
      responses[String(statusOf[code])] = { description: `\`${code}\``, ...json(errorSchema) }
    paths[path] = {
      ...paths[path],
      [route.method]: {
        operationId: `${route.method}${path.replace(/[^A-Za-z0-9]+(\w)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())}`,
        tags: [route.tag],
        summary: route.summary,
        description: roleText(route),
        security: route.access === "public" ? [] : [{ bearerAuth: [] }],
        parameters: [...parameters(route.schemas.params, "path"), ...parameters(route.schemas.query, "query")],
        ...(route.schemas.body === undefined
          ? {}
          : { requestBody: { required: true, ...json(schemaOf(route.schemas.body)) } }),
        ...(raw?.requestType === undefined ? {} : { requestBody: { required: true, ...bytes(raw.requestType) } }),
        responses
      }
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Parley REST API",
      version: "1",
      description:
        "Interactions, cases, queues, agents, feedback and knowledge. Errors are `{error: {code, message}}` with a stable code."
    },
    tags: [...new Set(table.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: definitions,
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          description: "A session token from POST /api/login (or /api/session/refresh), or an API token"
        }
      }
    }
  }
}

/** `GET /api/openapi.json`; `table` is read on first call, since it contains this route too. */
export const route = (table: () => ReadonlyArray<Route>): Route => {
  let cached: OpenApiDocument | undefined
  return publicRoute({
    method: "get",
    path: "/openapi.json",
    tag: "meta",
    summary: "This API described as OpenAPI 3.1, generated from the Schemas the routes use",
    response: OpenApiDocument,
    handler: () =>
      Effect.sync(() => {
        cached ??= document(table())
        return cached
      })
  })
}

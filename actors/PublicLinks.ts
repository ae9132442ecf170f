import { Context, Layer } from "effect"

/**
 * Where links that actors send to customers point (knowledge pages, the sign-in redirect): the
 * deployment's public base URL, without a trailing slash. The node fills it from its HTTP
 * settings (`node/Node.ts`); the actors need nothing else of the edge.
 */
export class PublicLinks extends Context.Tag("parley/actors/PublicLinks")<
  PublicLinks,
  { readonly baseUrl: string }
>() {}

export const layer = (baseUrl: string): Layer.Layer<PublicLinks> => Layer.succeed(PublicLinks, { baseUrl })

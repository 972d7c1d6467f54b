import type { FetchFn } from './fetch-with-retry.ts'
import { routedHttpFetch } from './http-fetch.ts'
import type { ProxyRoute } from './proxy-route.ts'
import { routedAgents, type RoutedAgents } from './routed-agents.ts'
import { routedFetch } from './routed-fetch.ts'

/** The engine's three ways out, all on one proxy route. */
export interface Transports {
  /** API calls, sign-in and token requests. */
  fetch: FetchFn
  /** Requests whose body is file bytes (http-fetch.ts). */
  uploadFetch: FetchFn
  /** For SDKs with their own transport (the S3 client's request handler). */
  agents: RoutedAgents
}

export function routedTransports(route: ProxyRoute): Transports {
  const agents = routedAgents(route)
  return { fetch: routedFetch(route), uploadFetch: routedHttpFetch(agents), agents }
}

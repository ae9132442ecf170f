/** The REST answers the console reads (their Schemas are in http/api/*.ts; the OpenAPI document lists them). */

export interface QueueStats {
  readonly id: string
  readonly name: string
  readonly description: string
  readonly waiting: number
  readonly offered: number
  readonly oldestWaitSeconds: number | null
  readonly agentsAvailable: number
  readonly agentsWithCapacity: number
}

export interface AgentRow {
  readonly id: string
  readonly login: string
  readonly displayName: string
  readonly assigned: number
  readonly offered: number
  readonly channels: ReadonlyArray<{
    readonly channel: string
    readonly presence: string
    readonly presenceAt: string
    readonly capacity: number
  }>
}

export interface InteractionRow {
  readonly id: string
  readonly number: string
  readonly type: string
  readonly subtype: string
  readonly state: string
  readonly customerName: string | null
  readonly agentName: string | null
  readonly assignedTo: string | null
  readonly queue: { readonly id: string; readonly name: string } | null
  readonly intent: string | null
  readonly topic: string | null
  readonly reason: string | null
  readonly locale: string | null
  readonly openedAt: string
  readonly closedAt: string | null
}

export interface MessageRow {
  readonly id: number
  readonly direction: "in" | "out"
  readonly authorKind: string
  readonly authorUserId: string | null
  readonly kind: string
  readonly body: Readonly<Record<string, unknown>>
  readonly createdAt: string
}

export interface InteractionDetail {
  readonly interaction: InteractionRow
  readonly transcript: ReadonlyArray<MessageRow>
  readonly cases: ReadonlyArray<{ readonly number: string; readonly shortDescription: string; readonly state: string }>
  readonly feedback: { readonly rating: number; readonly comment: string | null; readonly createdAt: string } | null
}

export interface RatingGroup {
  readonly id: string | null
  readonly name: string | null
  readonly count: number
  readonly average: number
}

export interface FeedbackSummary {
  readonly overall: { readonly count: number; readonly average: number | null }
  readonly byQueue: ReadonlyArray<RatingGroup>
  readonly byAgent: ReadonlyArray<RatingGroup>
}

export interface FeedbackEntry {
  readonly id: string
  readonly interactionNumber: string
  readonly rating: number
  readonly comment: string | null
  readonly createdAt: string
  readonly queueName: string | null
  readonly agentName: string | null
}

export interface ClusterStatus {
  readonly answeredBy: string
  readonly complete: boolean
  readonly nodes: ReadonlyArray<{
    readonly id: string
    readonly live: boolean
    readonly startedAt: string | null
    readonly lastHeartbeat: string | null
    readonly host: string | null
    readonly version: string | null
    readonly partitions: ReadonlyArray<{ readonly kind: string; readonly partition: number; readonly epoch: number }>
  }>
  readonly deadLetters: {
    readonly total: number
    readonly latest: ReadonlyArray<{
      readonly id: number
      readonly kind: string
      readonly actorId: string
      readonly partition: number
      readonly cause: string
      readonly attempts: number
      readonly at: string
    }>
  }
}

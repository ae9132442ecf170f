/**
 * Where an actor lives on the bus. An id becomes exactly one subject token, and its partition
 * is FNV-1a 32 (the hash nats-server's `partition()` mapping uses) modulo the kind's partition count.
 */

const safe = /^[A-Za-z0-9_-]$/

/**
 * Encodes any id (Apple opaque ids like `urn:mbid:AQAAY4…=`, ids with `.`, `*`, `>`, spaces) to one
 * valid, reversible subject token: letters, digits, `_` and `-` stay, every other UTF-8 byte is `%XX`.
 */
export const encodeToken = (id: string): string => {
  if (id.length === 0) return "%"
  let out = ""
  for (const ch of id) {
    if (safe.test(ch)) out += ch
    else for (const byte of Buffer.from(ch, "utf8")) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`
  }
  return out
}

export const decodeToken = (token: string): string => (token === "%" ? "" : decodeURIComponent(token))

export const fnv1a32 = (input: string): number => {
  let hash = 0x811c9dc5
  for (const byte of Buffer.from(input, "utf8")) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash >>> 0
}

export const partitionOf = (id: string, partitions: number): number => fnv1a32(id) % partitions

/** Subject and stream names of one deployment (`prefix`) — the only place they are spelled. */
export const names = (prefix: string) => ({
  prefix,
  /** How the runtime's tables name a kind: deployments (and test runs) sharing a database stay apart. */
  tableKind: (kind: string) => `${prefix}/${kind}`,
  stream: (kind: string) => `${prefix}_${kind}`.toUpperCase().replace(/[^A-Z0-9_-]/g, "_"),
  streamSubjects: (kind: string) => `${prefix}.${kind}.*.*.*`,
  actorSubject: (kind: string, partition: number, id: string, lane: "in" | "cmd" = "cmd") =>
    `${prefix}.${kind}.${partition}.${encodeToken(id)}.${lane}`,
  partitionFilter: (kind: string, partition: number) => `${prefix}.${kind}.${partition}.*.*`,
  consumer: (kind: string, partition: number, epoch: number) =>
    `${kind}-p${String(partition).padStart(3, "0")}-e${epoch}`,
  askSubject: (kind: string, partition: number, id: string) => `${prefix}.ask.${kind}.${partition}.${encodeToken(id)}`,
  askFilter: (kind: string, partition: number) => `${prefix}.ask.${kind}.${partition}.*`,
  event: (...tokens: ReadonlyArray<string>) => `${prefix}.evt.${tokens.map(encodeToken).join(".")}`,
  dlqStream: () => `${prefix}_DLQ`.toUpperCase().replace(/[^A-Z0-9_-]/g, "_"),
  dlqSubjects: () => `${prefix}.dlq.>`,
  dlqSubject: (kind: string, partition: number, id: string) => `${prefix}.dlq.${kind}.${partition}.${encodeToken(id)}`,
  leaseBucket: () => `${prefix}_owners`.replace(/[^A-Za-z0-9_-]/g, "_"),
  nodeBucket: () => `${prefix}_nodes`.replace(/[^A-Za-z0-9_-]/g, "_")
})

export type Names = ReturnType<typeof names>

/** The actor id carried by a subject built with `actorSubject` (token 3). */
export const actorIdOfSubject = (subject: string): string | undefined => {
  const token = subject.split(".")[3]
  return token === undefined ? undefined : decodeToken(token)
}

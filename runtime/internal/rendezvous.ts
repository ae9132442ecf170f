/**
 * Rendezvous (highest random weight) placement: every node scores every key and the highest score
 * wins. Each node computes the same answer from the same member list, with no coordination, and a
 * change of members moves only the keys the joining node now wins (about 1/N) or the leaving node
 * held (docs/cluster.md, "How work is shared").
 */

/** FNV-1a over the UTF-16 code units, then murmur3's finaliser: similar inputs get unrelated scores. */
export const weight = (node: string, key: string): number => {
  let h = 0x811c9dc5
  const input = `${node}\u0000${key}`
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** The member that wins `key`; ties (vanishingly rare) go to the smaller id so every node agrees. */
export const winner = (members: ReadonlyArray<string>, key: string): string | undefined => {
  let best: string | undefined
  let bestWeight = -1
  for (const member of members) {
    const w = weight(member, key)
    if (w > bestWeight || (w === bestWeight && best !== undefined && member < best)) {
      best = member
      bestWeight = w
    }
  }
  return best
}

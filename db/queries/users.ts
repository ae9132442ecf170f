import { createHash } from "node:crypto"
import { and, asc, eq, type SQL, sql } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { type RoleName, type User, userRoles, users } from "../schema/users.ts"
import { type CustomerRef, customerColumns } from "./CustomerRef.ts"
import { first, query, single } from "./internal/query.ts"

/** A user with the roles they hold; what authentication and authorization need. */
export interface UserWithRoles extends User {
  readonly roles: ReadonlyArray<RoleName>
}

export interface NewUser {
  readonly login: string
  readonly email: string
  readonly displayName: string
  readonly passwordHash?: string
  readonly apiTokenHash?: string
  readonly roles: ReadonlyArray<RoleName>
  /** The contact or consumer a portal user acts as. */
  readonly customer?: CustomerRef
}

/** API tokens are random, so SHA-256 is enough and lets the token be found by its hash. */
export const hashApiToken = (token: string): string => createHash("sha256").update(token).digest("hex")

/** Creates a user with roles, in the caller's transaction (or its own statement pair). */
export const createUser = (input: NewUser): Effect.Effect<UserWithRoles, DbError, Db> =>
  query("createUser", (db) =>
    db.transaction(async (tx) => {
      const user = single(
        await tx
          .insert(users)
          .values({
            login: input.login,
            email: input.email,
            displayName: input.displayName,
            passwordHash: input.passwordHash ?? null,
            apiTokenHash: input.apiTokenHash ?? null,
            ...(input.customer === undefined ? {} : customerColumns(input.customer))
          })
          .returning()
      )
      if (input.roles.length > 0) {
        await tx
          .insert(userRoles)
          .values(input.roles.map((role) => ({ userId: user.id, role })))
          .onConflictDoNothing()
      }
      return { ...user, roles: [...new Set(input.roles)] }
    })
  )

const withRoles = (operation: string, where: SQL | undefined): Effect.Effect<UserWithRoles | undefined, DbError, Db> =>
  query(operation, async (db) => {
    const user = first(await db.select().from(users).where(where).limit(1))
    if (user === undefined) return undefined
    const roles = await db
      .select({ role: userRoles.role })
      .from(userRoles)
      .where(eq(userRoles.userId, user.id))
      .orderBy(asc(userRoles.role))
    return { ...user, roles: roles.map((r) => r.role) }
  })

export const findUser = (id: string): Effect.Effect<UserWithRoles | undefined, DbError, Db> =>
  withRoles("findUser", eq(users.id, id))

/** Sign-in: by login name; the caller verifies the password hash and `active`. */
export const findUserByLogin = (login: string): Effect.Effect<UserWithRoles | undefined, DbError, Db> =>
  withRoles("findUserByLogin", eq(users.login, login))

export const findUserByEmail = (email: string): Effect.Effect<UserWithRoles | undefined, DbError, Db> =>
  withRoles("findUserByEmail", eq(sql`lower(${users.email})`, email.toLowerCase()))

/** Bearer-token authentication (REST and the agent WebSocket); only active users. */
export const findUserByApiToken = (token: string): Effect.Effect<UserWithRoles | undefined, DbError, Db> =>
  withRoles("findUserByApiToken", and(eq(users.apiTokenHash, hashApiToken(token)), eq(users.active, true)))

export const setApiToken = (userId: string, token: string): Effect.Effect<void, DbError, Db> =>
  query("setApiToken", async (db) => {
    await db
      .update(users)
      .set({ apiTokenHash: hashApiToken(token) })
      .where(eq(users.id, userId))
  })

export const setPasswordHash = (userId: string, passwordHash: string): Effect.Effect<void, DbError, Db> =>
  query("setPasswordHash", async (db) => {
    await db.update(users).set({ passwordHash }).where(eq(users.id, userId))
  })

export const grantRole = (userId: string, role: RoleName): Effect.Effect<void, DbError, Db> =>
  query("grantRole", async (db) => {
    await db.insert(userRoles).values({ userId, role }).onConflictDoNothing()
  })

export const revokeRole = (userId: string, role: RoleName): Effect.Effect<void, DbError, Db> =>
  query("revokeRole", async (db) => {
    await db.delete(userRoles).where(and(eq(userRoles.userId, userId), eq(userRoles.role, role)))
  })

export const setUserActive = (userId: string, active: boolean): Effect.Effect<void, DbError, Db> =>
  query("setUserActive", async (db) => {
    await db.update(users).set({ active }).where(eq(users.id, userId))
  })

/** Active users holding `role`, e.g. every `agent_workspace_user` for the manager's presence board. */
export const usersWithRole = (role: RoleName): Effect.Effect<ReadonlyArray<User>, DbError, Db> =>
  query("usersWithRole", (db) =>
    db
      .select({ user: users })
      .from(users)
      .innerJoin(userRoles, eq(userRoles.userId, users.id))
      .where(and(eq(userRoles.role, role), eq(users.active, true)))
      .orderBy(asc(users.displayName))
      .then((rows) => rows.map((r) => r.user))
  )

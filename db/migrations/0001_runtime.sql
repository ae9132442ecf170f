CREATE TABLE "actor_offsets" (
	"kind" text NOT NULL,
	"actor_id" text NOT NULL,
	"last_seq" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "actor_offsets_kind_actor_id_pk" PRIMARY KEY("kind","actor_id")
);
--> statement-breakpoint
CREATE TABLE "actor_snapshots" (
	"kind" text NOT NULL,
	"actor_id" text NOT NULL,
	"state" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "actor_snapshots_kind_actor_id_pk" PRIMARY KEY("kind","actor_id")
);
--> statement-breakpoint
CREATE TABLE "dead_letters" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"actor_id" text NOT NULL,
	"partition" integer NOT NULL,
	"seq" bigint NOT NULL,
	"subject" text NOT NULL,
	"payload" text NOT NULL,
	"cause" text NOT NULL,
	"attempts" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"msg_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"partition" integer NOT NULL,
	"epoch" bigint NOT NULL,
	"subject" text NOT NULL,
	"payload" text NOT NULL,
	"headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"durable" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "outbox_msgId_unique" UNIQUE("msg_id")
);
--> statement-breakpoint
CREATE TABLE "partition_fence" (
	"kind" text NOT NULL,
	"partition" integer NOT NULL,
	"epoch" bigint NOT NULL,
	"owner" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "partition_fence_kind_partition_pk" PRIMARY KEY("kind","partition")
);
--> statement-breakpoint
CREATE TABLE "processed_turns" (
	"kind" text NOT NULL,
	"partition" integer NOT NULL,
	"actor_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"epoch" bigint NOT NULL,
	"node" text NOT NULL,
	"committed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "processed_turns_kind_actor_id_seq_pk" PRIMARY KEY("kind","actor_id","seq")
);
--> statement-breakpoint
CREATE TABLE "timers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"actor_id" text NOT NULL,
	"partition" integer NOT NULL,
	"key" text NOT NULL,
	"payload" text NOT NULL,
	"fire_at" timestamp with time zone NOT NULL,
	"fired_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "dead_letters_actor_idx" ON "dead_letters" USING btree ("kind","actor_id");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("kind","partition","id") WHERE "outbox"."sent_at" is null;--> statement-breakpoint
CREATE INDEX "timers_due_idx" ON "timers" USING btree ("kind","partition","fire_at") WHERE "timers"."fired_at" is null;--> statement-breakpoint
CREATE INDEX "timers_key_idx" ON "timers" USING btree ("kind","actor_id","key");
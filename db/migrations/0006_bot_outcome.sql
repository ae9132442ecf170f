CREATE TYPE "public"."bot_outcome" AS ENUM('resolved', 'handed_off', 'abandoned');--> statement-breakpoint
ALTER TABLE "interactions" ADD COLUMN "bot_intent" text;--> statement-breakpoint
ALTER TABLE "interactions" ADD COLUMN "bot_outcome" "bot_outcome";--> statement-breakpoint
CREATE INDEX "interactions_topic_opened_idx" ON "interactions" USING btree ("topic","opened_at");
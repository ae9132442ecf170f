CREATE TYPE "public"."audit_actor_kind" AS ENUM('user', 'system');--> statement-breakpoint
CREATE TYPE "public"."callback_state" AS ENUM('scheduled', 'opened', 'completed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."offer_state" AS ENUM('offered', 'accepted', 'rejected', 'timed_out');--> statement-breakpoint
CREATE TYPE "public"."presence_state" AS ENUM('available', 'away', 'offline');--> statement-breakpoint
CREATE TYPE "public"."work_item_state" AS ENUM('queued', 'offered', 'assigned', 'closed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."case_state" AS ENUM('new', 'open', 'resolved', 'closed');--> statement-breakpoint
CREATE TYPE "public"."replacement_order_state" AS ENUM('placed', 'shipped', 'delivered', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."replacement_reason" AS ENUM('lost', 'stolen', 'damaged');--> statement-breakpoint
CREATE TYPE "public"."catalog_request_state" AS ENUM('submitted', 'approved', 'fulfilled', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."asset_status" AS ENUM('active', 'blocked', 'replaced');--> statement-breakpoint
CREATE TYPE "public"."asset_type" AS ENUM('credit', 'debit');--> statement-breakpoint
CREATE TYPE "public"."customer_tier" AS ENUM('standard', 'gold', 'platinum');--> statement-breakpoint
CREATE TYPE "public"."identity_link_method" AS ENUM('authentication', 'agent', 'seed');--> statement-breakpoint
CREATE TYPE "public"."interaction_state" AS ENUM('new', 'work_in_progress', 'closed_complete', 'closed_abandoned');--> statement-breakpoint
CREATE TYPE "public"."interaction_subtype" AS ENUM('apple');--> statement-breakpoint
CREATE TYPE "public"."interaction_type" AS ENUM('messaging');--> statement-breakpoint
CREATE TYPE "public"."message_author_kind" AS ENUM('bot', 'agent', 'customer', 'system');--> statement-breakpoint
CREATE TYPE "public"."message_direction" AS ENUM('in', 'out');--> statement-breakpoint
CREATE TYPE "public"."assignment_rule" AS ENUM('most_capacity', 'last_assigned');--> statement-breakpoint
CREATE TYPE "public"."service_channel" AS ENUM('apple_messages');--> statement-breakpoint
CREATE TYPE "public"."role_name" AS ENUM('sn_customerservice.consumer', 'sn_customerservice.customer', 'agent_workspace_user', 'sn_customerservice_manager');--> statement-breakpoint
CREATE SEQUENCE "public"."case_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1001 CACHE 1;--> statement-breakpoint
CREATE SEQUENCE "public"."interaction_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1001 CACHE 1;--> statement-breakpoint
CREATE SEQUENCE "public"."replacement_order_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1001 CACHE 1;--> statement-breakpoint
CREATE SEQUENCE "public"."request_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1001 CACHE 1;--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"actor_kind" "audit_actor_kind" NOT NULL,
	"actor_user_id" uuid,
	"action" text NOT NULL,
	"entity" text NOT NULL,
	"entity_id" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agent_channels" (
	"agent_id" uuid NOT NULL,
	"channel" "service_channel" NOT NULL,
	"capacity" integer DEFAULT 3 NOT NULL,
	"presence" "presence_state" DEFAULT 'offline' NOT NULL,
	"presence_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_channels_agent_id_channel_pk" PRIMARY KEY("agent_id","channel"),
	CONSTRAINT "agent_channels_capacity" CHECK ("agent_channels"."capacity" between 0 and 50)
);
--> statement-breakpoint
CREATE TABLE "agent_skills" (
	"agent_id" uuid NOT NULL,
	"skill_id" uuid NOT NULL,
	"level" smallint DEFAULT 1 NOT NULL,
	CONSTRAINT "agent_skills_agent_id_skill_id_pk" PRIMARY KEY("agent_id","skill_id")
);
--> statement-breakpoint
CREATE TABLE "callbacks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"interaction_id" uuid NOT NULL,
	"new_interaction_id" uuid,
	"queue_id" uuid NOT NULL,
	"requested_by" uuid,
	"scheduled_at" timestamp with time zone NOT NULL,
	"state" "callback_state" DEFAULT 'scheduled' NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "offers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"work_item_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"state" "offer_state" DEFAULT 'offered' NOT NULL,
	"reason" text,
	"offered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"responded_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "presence_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"agent_id" uuid NOT NULL,
	"channel" "service_channel" NOT NULL,
	"state" "presence_state" NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "work_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"interaction_id" uuid NOT NULL,
	"queue_id" uuid NOT NULL,
	"priority" smallint DEFAULT 3 NOT NULL,
	"state" "work_item_state" DEFAULT 'queued' NOT NULL,
	"offered_to" uuid,
	"assigned_to" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"offered_at" timestamp with time zone,
	"assigned_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	CONSTRAINT "work_items_priority_range" CHECK ("work_items"."priority" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text DEFAULT ('CS' || lpad(nextval('case_number_seq')::text, 7, '0')) NOT NULL,
	"contact_id" uuid,
	"consumer_id" uuid,
	"asset_id" uuid,
	"interaction_id" uuid,
	"opened_by" uuid,
	"short_description" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"state" "case_state" DEFAULT 'new' NOT NULL,
	"priority" smallint DEFAULT 4 NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cases_number_unique" UNIQUE("number"),
	CONSTRAINT "cases_one_customer" CHECK (num_nonnulls("cases"."contact_id", "cases"."consumer_id") = 1),
	CONSTRAINT "cases_priority_range" CHECK ("cases"."priority" between 1 and 4)
);
--> statement-breakpoint
CREATE TABLE "replacement_orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text DEFAULT ('RPL' || lpad(nextval('replacement_order_number_seq')::text, 7, '0')) NOT NULL,
	"asset_id" uuid NOT NULL,
	"interaction_id" uuid,
	"case_id" uuid,
	"reason" "replacement_reason" NOT NULL,
	"date_lost" date,
	"delivery_address" text NOT NULL,
	"phone" text NOT NULL,
	"delivery_slot_start" timestamp with time zone,
	"expected_from" date NOT NULL,
	"expected_to" date NOT NULL,
	"state" "replacement_order_state" DEFAULT 'placed' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "replacement_orders_number_unique" UNIQUE("number"),
	CONSTRAINT "replacement_orders_window" CHECK ("replacement_orders"."expected_from" <= "replacement_orders"."expected_to")
);
--> statement-breakpoint
CREATE TABLE "catalog_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"category" text NOT NULL,
	"price" numeric(10, 2) DEFAULT 0 NOT NULL,
	"currency" text DEFAULT 'USD' NOT NULL,
	"options" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "catalog_items_slug_unique" UNIQUE("slug"),
	CONSTRAINT "catalog_items_price" CHECK ("catalog_items"."price" >= 0)
);
--> statement-breakpoint
CREATE TABLE "catalog_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text DEFAULT ('REQ' || lpad(nextval('request_number_seq')::text, 7, '0')) NOT NULL,
	"item_id" uuid NOT NULL,
	"quantity" integer DEFAULT 1 NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"contact_id" uuid,
	"consumer_id" uuid,
	"interaction_id" uuid,
	"state" "catalog_request_state" DEFAULT 'submitted' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "catalog_requests_number_unique" UNIQUE("number"),
	CONSTRAINT "catalog_requests_one_customer" CHECK (num_nonnulls("catalog_requests"."contact_id", "catalog_requests"."consumer_id") = 1),
	CONSTRAINT "catalog_requests_quantity" CHECK ("catalog_requests"."quantity" between 1 and 100)
);
--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"tier" "customer_tier" DEFAULT 'standard' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "apple_identities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"business_id" text NOT NULL,
	"opaque_id" text NOT NULL,
	"contact_id" uuid,
	"consumer_id" uuid,
	"linked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"linked_by" "identity_link_method" NOT NULL,
	"linked_by_user_id" uuid,
	CONSTRAINT "apple_identities_one_customer" CHECK (num_nonnulls("apple_identities"."contact_id", "apple_identities"."consumer_id") = 1)
);
--> statement-breakpoint
CREATE TABLE "assets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"type" "asset_type" NOT NULL,
	"product_name" text NOT NULL,
	"masked_number" text NOT NULL,
	"status" "asset_status" DEFAULT 'active' NOT NULL,
	"contact_id" uuid,
	"consumer_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assets_one_owner" CHECK (num_nonnulls("assets"."contact_id", "assets"."consumer_id") = 1)
);
--> statement-breakpoint
CREATE TABLE "consumers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"first_name" text NOT NULL,
	"last_name" text NOT NULL,
	"email" text NOT NULL,
	"phone" text,
	"address" text,
	"tier" "customer_tier" DEFAULT 'standard' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contacts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"first_name" text NOT NULL,
	"last_name" text NOT NULL,
	"email" text NOT NULL,
	"phone" text,
	"address" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "feedback" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"interaction_id" uuid NOT NULL,
	"rating" smallint NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_rating_range" CHECK ("feedback"."rating" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "interactions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text DEFAULT ('IMS' || lpad(nextval('interaction_number_seq')::text, 7, '0')) NOT NULL,
	"type" "interaction_type" DEFAULT 'messaging' NOT NULL,
	"subtype" "interaction_subtype" DEFAULT 'apple' NOT NULL,
	"state" "interaction_state" DEFAULT 'new' NOT NULL,
	"contact_id" uuid,
	"consumer_id" uuid,
	"assigned_to" uuid,
	"queue_id" uuid,
	"conversation_id" text NOT NULL,
	"business_id" text NOT NULL,
	"opaque_id" text NOT NULL,
	"intent" text,
	"group" text,
	"locale" text,
	"capabilities" text[] DEFAULT '{}' NOT NULL,
	"device_agent" text,
	"topic" text,
	"reason" text,
	"parent_id" uuid,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "interactions_number_unique" UNIQUE("number"),
	CONSTRAINT "interactions_at_most_one_customer" CHECK (num_nonnulls("interactions"."contact_id", "interactions"."consumer_id") <= 1),
	CONSTRAINT "interactions_closed_at" CHECK (("interactions"."state" in ('closed_complete', 'closed_abandoned')) = ("interactions"."closed_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"interaction_id" uuid NOT NULL,
	"direction" "message_direction" NOT NULL,
	"author_kind" "message_author_kind" NOT NULL,
	"author_user_id" uuid,
	"kind" text NOT NULL,
	"body" jsonb NOT NULL,
	"apple_message_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "messages_appleMessageId_unique" UNIQUE("apple_message_id")
);
--> statement-breakpoint
CREATE TABLE "community_posts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"forum" text NOT NULL,
	"author_name" text NOT NULL,
	"helpful_count" integer DEFAULT 0 NOT NULL,
	"accepted_answer" text,
	"search_vector" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(body || ' ' || coalesce(accepted_answer, ''), '')), 'B')) STORED NOT NULL,
	"posted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "community_posts_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "knowledge_articles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	"body" text NOT NULL,
	"category" text NOT NULL,
	"search_vector" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(summary || ' ' || body, '')), 'B')) STORED NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "knowledge_articles_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE TABLE "queues" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"channel" "service_channel" DEFAULT 'apple_messages' NOT NULL,
	"routing_order" integer DEFAULT 100 NOT NULL,
	"routing_conditions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"assignment_rule" "assignment_rule" DEFAULT 'most_capacity' NOT NULL,
	"accept_timeout_seconds" integer DEFAULT 60 NOT NULL,
	"overflow_queue_id" uuid,
	"max_wait_seconds" integer,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "queues_name_unique" UNIQUE("name"),
	CONSTRAINT "queues_accept_timeout_positive" CHECK ("queues"."accept_timeout_seconds" > 0),
	CONSTRAINT "queues_max_wait_positive" CHECK ("queues"."max_wait_seconds" is null or "queues"."max_wait_seconds" > 0)
);
--> statement-breakpoint
CREATE TABLE "skills" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	CONSTRAINT "skills_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "user_roles" (
	"user_id" uuid NOT NULL,
	"role" "role_name" NOT NULL,
	CONSTRAINT "user_roles_user_id_role_pk" PRIMARY KEY("user_id","role")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"login" text NOT NULL,
	"email" text NOT NULL,
	"display_name" text NOT NULL,
	"password_hash" text,
	"api_token_hash" text,
	"active" boolean DEFAULT true NOT NULL,
	"contact_id" uuid,
	"consumer_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_login_unique" UNIQUE("login"),
	CONSTRAINT "users_apiTokenHash_unique" UNIQUE("api_token_hash"),
	CONSTRAINT "users_at_most_one_customer" CHECK (num_nonnulls("users"."contact_id", "users"."consumer_id") <= 1)
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_channels" ADD CONSTRAINT "agent_channels_agent_id_users_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_skills" ADD CONSTRAINT "agent_skills_agent_id_users_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_skills" ADD CONSTRAINT "agent_skills_skill_id_skills_id_fk" FOREIGN KEY ("skill_id") REFERENCES "public"."skills"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callbacks" ADD CONSTRAINT "callbacks_interaction_id_interactions_id_fk" FOREIGN KEY ("interaction_id") REFERENCES "public"."interactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callbacks" ADD CONSTRAINT "callbacks_new_interaction_id_interactions_id_fk" FOREIGN KEY ("new_interaction_id") REFERENCES "public"."interactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callbacks" ADD CONSTRAINT "callbacks_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callbacks" ADD CONSTRAINT "callbacks_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_work_item_id_work_items_id_fk" FOREIGN KEY ("work_item_id") REFERENCES "public"."work_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_agent_id_users_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "presence_history" ADD CONSTRAINT "presence_history_agent_id_users_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_items" ADD CONSTRAINT "work_items_interaction_id_interactions_id_fk" FOREIGN KEY ("interaction_id") REFERENCES "public"."interactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_items" ADD CONSTRAINT "work_items_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_items" ADD CONSTRAINT "work_items_offered_to_users_id_fk" FOREIGN KEY ("offered_to") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_items" ADD CONSTRAINT "work_items_assigned_to_users_id_fk" FOREIGN KEY ("assigned_to") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_consumer_id_consumers_id_fk" FOREIGN KEY ("consumer_id") REFERENCES "public"."consumers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_interaction_id_interactions_id_fk" FOREIGN KEY ("interaction_id") REFERENCES "public"."interactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_opened_by_users_id_fk" FOREIGN KEY ("opened_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "replacement_orders" ADD CONSTRAINT "replacement_orders_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "replacement_orders" ADD CONSTRAINT "replacement_orders_interaction_id_interactions_id_fk" FOREIGN KEY ("interaction_id") REFERENCES "public"."interactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "replacement_orders" ADD CONSTRAINT "replacement_orders_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog_requests" ADD CONSTRAINT "catalog_requests_item_id_catalog_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."catalog_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog_requests" ADD CONSTRAINT "catalog_requests_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog_requests" ADD CONSTRAINT "catalog_requests_consumer_id_consumers_id_fk" FOREIGN KEY ("consumer_id") REFERENCES "public"."consumers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog_requests" ADD CONSTRAINT "catalog_requests_interaction_id_interactions_id_fk" FOREIGN KEY ("interaction_id") REFERENCES "public"."interactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "apple_identities" ADD CONSTRAINT "apple_identities_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "apple_identities" ADD CONSTRAINT "apple_identities_consumer_id_consumers_id_fk" FOREIGN KEY ("consumer_id") REFERENCES "public"."consumers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "assets_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "assets_consumer_id_consumers_id_fk" FOREIGN KEY ("consumer_id") REFERENCES "public"."consumers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_interaction_id_interactions_id_fk" FOREIGN KEY ("interaction_id") REFERENCES "public"."interactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_consumer_id_consumers_id_fk" FOREIGN KEY ("consumer_id") REFERENCES "public"."consumers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_assigned_to_users_id_fk" FOREIGN KEY ("assigned_to") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_parent_id_interactions_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."interactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_interaction_id_interactions_id_fk" FOREIGN KEY ("interaction_id") REFERENCES "public"."interactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queues" ADD CONSTRAINT "queues_overflow_queue_id_queues_id_fk" FOREIGN KEY ("overflow_queue_id") REFERENCES "public"."queues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_roles" ADD CONSTRAINT "user_roles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_consumer_id_consumers_id_fk" FOREIGN KEY ("consumer_id") REFERENCES "public"."consumers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "audit_log" USING btree ("entity","entity_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree ("actor_user_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "agent_channels_presence_idx" ON "agent_channels" USING btree ("channel","presence");--> statement-breakpoint
CREATE INDEX "agent_skills_skill_idx" ON "agent_skills" USING btree ("skill_id");--> statement-breakpoint
CREATE INDEX "callbacks_due_idx" ON "callbacks" USING btree ("state","scheduled_at");--> statement-breakpoint
CREATE INDEX "callbacks_interaction_idx" ON "callbacks" USING btree ("interaction_id");--> statement-breakpoint
CREATE INDEX "offers_work_item_idx" ON "offers" USING btree ("work_item_id","offered_at");--> statement-breakpoint
CREATE INDEX "offers_agent_state_idx" ON "offers" USING btree ("agent_id","state");--> statement-breakpoint
CREATE UNIQUE INDEX "offers_one_pending_idx" ON "offers" USING btree ("work_item_id") WHERE "offers"."state" = 'offered';--> statement-breakpoint
CREATE INDEX "presence_history_agent_idx" ON "presence_history" USING btree ("agent_id","at");--> statement-breakpoint
CREATE INDEX "presence_history_at_idx" ON "presence_history" USING btree ("at");--> statement-breakpoint
CREATE INDEX "work_items_queue_waiting_idx" ON "work_items" USING btree ("queue_id","state","priority","created_at");--> statement-breakpoint
CREATE INDEX "work_items_assigned_idx" ON "work_items" USING btree ("assigned_to","state");--> statement-breakpoint
CREATE UNIQUE INDEX "work_items_open_interaction_idx" ON "work_items" USING btree ("interaction_id") WHERE "work_items"."state" in ('queued', 'offered', 'assigned');--> statement-breakpoint
CREATE INDEX "cases_contact_state_idx" ON "cases" USING btree ("contact_id","state");--> statement-breakpoint
CREATE INDEX "cases_consumer_state_idx" ON "cases" USING btree ("consumer_id","state");--> statement-breakpoint
CREATE INDEX "cases_state_opened_idx" ON "cases" USING btree ("state","opened_at");--> statement-breakpoint
CREATE INDEX "cases_interaction_idx" ON "cases" USING btree ("interaction_id");--> statement-breakpoint
CREATE INDEX "replacement_orders_asset_idx" ON "replacement_orders" USING btree ("asset_id");--> statement-breakpoint
CREATE INDEX "replacement_orders_interaction_idx" ON "replacement_orders" USING btree ("interaction_id");--> statement-breakpoint
CREATE INDEX "catalog_items_category_idx" ON "catalog_items" USING btree ("category");--> statement-breakpoint
CREATE INDEX "catalog_requests_contact_idx" ON "catalog_requests" USING btree ("contact_id","created_at");--> statement-breakpoint
CREATE INDEX "catalog_requests_consumer_idx" ON "catalog_requests" USING btree ("consumer_id","created_at");--> statement-breakpoint
CREATE INDEX "catalog_requests_interaction_idx" ON "catalog_requests" USING btree ("interaction_id");--> statement-breakpoint
CREATE UNIQUE INDEX "apple_identities_opaque_idx" ON "apple_identities" USING btree ("business_id","opaque_id");--> statement-breakpoint
CREATE INDEX "apple_identities_contact_idx" ON "apple_identities" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "apple_identities_consumer_idx" ON "apple_identities" USING btree ("consumer_id");--> statement-breakpoint
CREATE INDEX "assets_contact_idx" ON "assets" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "assets_consumer_idx" ON "assets" USING btree ("consumer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "consumers_email_idx" ON "consumers" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_email_idx" ON "contacts" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "contacts_account_idx" ON "contacts" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_interaction_idx" ON "feedback" USING btree ("interaction_id");--> statement-breakpoint
CREATE INDEX "feedback_created_idx" ON "feedback" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "interactions_state_opened_idx" ON "interactions" USING btree ("state","opened_at");--> statement-breakpoint
CREATE INDEX "interactions_queue_state_idx" ON "interactions" USING btree ("queue_id","state");--> statement-breakpoint
CREATE INDEX "interactions_assignee_state_idx" ON "interactions" USING btree ("assigned_to","state");--> statement-breakpoint
CREATE INDEX "interactions_contact_idx" ON "interactions" USING btree ("contact_id","opened_at");--> statement-breakpoint
CREATE INDEX "interactions_consumer_idx" ON "interactions" USING btree ("consumer_id","opened_at");--> statement-breakpoint
CREATE INDEX "interactions_conversation_idx" ON "interactions" USING btree ("conversation_id","opened_at");--> statement-breakpoint
CREATE INDEX "interactions_parent_idx" ON "interactions" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "interactions_opened_idx" ON "interactions" USING btree ("opened_at");--> statement-breakpoint
CREATE INDEX "messages_interaction_created_idx" ON "messages" USING btree ("interaction_id","created_at");--> statement-breakpoint
CREATE INDEX "community_posts_search_idx" ON "community_posts" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "community_posts_forum_idx" ON "community_posts" USING btree ("forum");--> statement-breakpoint
CREATE INDEX "knowledge_articles_search_idx" ON "knowledge_articles" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "knowledge_articles_category_idx" ON "knowledge_articles" USING btree ("category");--> statement-breakpoint
CREATE INDEX "user_roles_role_idx" ON "user_roles" USING btree ("role");--> statement-breakpoint
CREATE INDEX "users_email_idx" ON "users" USING btree (lower("email"));
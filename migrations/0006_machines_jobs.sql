CREATE TABLE `job` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`project_id` text NOT NULL,
	`submitter_id` text NOT NULL,
	`archive_key` text NOT NULL,
	`archive_sha256` text NOT NULL,
	`command` text NOT NULL,
	`env_names` text NOT NULL,
	`env_sealed` text NOT NULL,
	`volume_ids` text NOT NULL,
	`machine_id` text,
	`running_on` text,
	`state` text NOT NULL,
	`failure` text,
	`exit_code` integer,
	`attempt` integer DEFAULT 1 NOT NULL,
	`cancel_requested` integer DEFAULT false NOT NULL,
	`timeout_seconds` integer NOT NULL,
	`lease_token_hash` text,
	`lease_expires_at` integer,
	`log_lines` integer DEFAULT 0 NOT NULL,
	`log_dropped` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "job_state_check" CHECK("job"."state" in ('queued', 'running', 'succeeded', 'failed', 'cancelled'))
);
--> statement-breakpoint
CREATE INDEX `job_org_idx` ON `job` (`org_id`,`id`);--> statement-breakpoint
CREATE INDEX `job_org_state_idx` ON `job` (`org_id`,`state`,`id`);--> statement-breakpoint
CREATE INDEX `job_org_submitter_idx` ON `job` (`org_id`,`submitter_id`,`id`);--> statement-breakpoint
CREATE INDEX `job_running_on_idx` ON `job` (`running_on`);--> statement-breakpoint
CREATE INDEX `job_finished_idx` ON `job` (`finished_at`);--> statement-breakpoint
CREATE TABLE `job_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`job_id` text NOT NULL,
	`at` integer NOT NULL,
	`stream` text NOT NULL,
	`text` text NOT NULL,
	FOREIGN KEY (`job_id`) REFERENCES `job`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `job_log_job_idx` ON `job_log` (`job_id`,`id`);--> statement-breakpoint
ALTER TABLE `machine` ADD `shared` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `machine` ADD `agent_token_hash` text;--> statement-breakpoint
ALTER TABLE `machine` ADD `last_seen_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `machine_agent_token_hash_unique` ON `machine` (`agent_token_hash`);
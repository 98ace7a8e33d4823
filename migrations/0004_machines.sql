ALTER TABLE `machine` ADD `shared` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `machine` ADD `agent_token_hash` text;--> statement-breakpoint
ALTER TABLE `machine` ADD `last_seen_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `machine_agent_token_hash_unique` ON `machine` (`agent_token_hash`);
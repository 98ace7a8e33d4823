CREATE TABLE `device_authorization` (
	`id` text PRIMARY KEY NOT NULL,
	`device_code_hash` text NOT NULL,
	`user_code_hash` text NOT NULL,
	`client_name` text DEFAULT '' NOT NULL,
	`status` text NOT NULL,
	`user_id` text,
	`token_id` text,
	`interval_seconds` integer NOT NULL,
	`last_polled_at` integer,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`decided_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "device_authorization_status_check" CHECK("device_authorization"."status" in ('pending', 'approved', 'denied', 'used'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `device_authorization_device_code_hash_unique` ON `device_authorization` (`device_code_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `device_authorization_user_code_hash_unique` ON `device_authorization` (`user_code_hash`);--> statement-breakpoint
CREATE INDEX `device_authorization_expiry_idx` ON `device_authorization` (`expires_at`);
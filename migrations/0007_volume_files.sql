CREATE TABLE `volume_file` (
	`volume_id` text NOT NULL,
	`org_id` text NOT NULL,
	`path` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`blob_key` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`volume_id`, `path`),
	FOREIGN KEY (`volume_id`) REFERENCES `volume`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `volume_file_blob_idx` ON `volume_file` (`blob_key`);--> statement-breakpoint
CREATE TABLE `volume_upload` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`volume_id` text NOT NULL,
	`kind` text NOT NULL,
	`path` text NOT NULL,
	`size` integer NOT NULL,
	`part_size` integer NOT NULL,
	`part_count` integer NOT NULL,
	`blob_key` text NOT NULL,
	`r2_upload_id` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`volume_id`) REFERENCES `volume`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "volume_upload_kind_check" CHECK("volume_upload"."kind" in ('put', 'multipart'))
);
--> statement-breakpoint
CREATE INDEX `volume_upload_volume_idx` ON `volume_upload` (`volume_id`,`expires_at`);--> statement-breakpoint
CREATE INDEX `volume_upload_expiry_idx` ON `volume_upload` (`expires_at`);--> statement-breakpoint
CREATE INDEX `volume_upload_blob_idx` ON `volume_upload` (`blob_key`);--> statement-breakpoint
CREATE TABLE `volume_upload_part` (
	`upload_id` text NOT NULL,
	`n` integer NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`etag` text NOT NULL,
	PRIMARY KEY(`upload_id`, `n`),
	FOREIGN KEY (`upload_id`) REFERENCES `volume_upload`(`id`) ON UPDATE no action ON DELETE no action
);

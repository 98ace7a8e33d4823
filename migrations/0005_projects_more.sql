CREATE TABLE `project_archive` (
	`key` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`project_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `project_archive_created_idx` ON `project_archive` (`created_at`);--> statement-breakpoint
CREATE INDEX `project_archive_key_idx` ON `project` (`archive_key`);
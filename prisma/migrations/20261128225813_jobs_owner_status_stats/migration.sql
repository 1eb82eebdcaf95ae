-- The planner's estimate for "a user's jobs of one status" assumed owner and status independent: for
-- a big owner and a rare status it walked the whole primary key backwards (1 s at 1 M jobs) instead of
-- jobs_owner_id_status_id_idx. Combined statistics (most common pairs) give it the real counts.
CREATE STATISTICS "jobs_owner_status_stats" (mcv) ON "owner_id", "status" FROM "jobs";

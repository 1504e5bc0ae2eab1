-- 0004 rate limits (SPEC §13): one fixed-window counter per key, shared by every instance that
-- uses this database (`rateLimit.storage: "database"`). `reset_at` is Unix milliseconds.
CREATE TABLE {prefix}rate_limits (
    rl_key TEXT PRIMARY KEY,
    hits BIGINT NOT NULL,
    reset_at BIGINT NOT NULL
);
CREATE INDEX {prefix}rate_limits_reset_at ON {prefix}rate_limits (reset_at);

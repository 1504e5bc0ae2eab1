-- 0001 core (SPEC §11): users, their accounts (ways to sign in), sessions, one-time
-- verifications, and the revocation log other instances follow. Times are Unix seconds.
-- `{prefix}` is the configured table prefix (default `aura_`).

CREATE TABLE {prefix}users (
    id TEXT PRIMARY KEY,
    name TEXT,
    email TEXT UNIQUE,
    email_verified BOOLEAN NOT NULL DEFAULT FALSE,
    image TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE {prefix}accounts (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES {prefix}users (id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    provider_account_id TEXT NOT NULL,
    type TEXT NOT NULL,
    email TEXT,
    tokens TEXT,
    tokens_expires_at BIGINT,
    refresh_lock_until BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (provider, provider_account_id)
);
CREATE INDEX {prefix}accounts_user_id ON {prefix}accounts (user_id);

CREATE TABLE {prefix}sessions (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES {prefix}users (id) ON DELETE CASCADE,
    provider TEXT,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    user_agent TEXT,
    ip TEXT
);
CREATE INDEX {prefix}sessions_user_id ON {prefix}sessions (user_id);

CREATE TABLE {prefix}verifications (
    id TEXT PRIMARY KEY,
    identifier TEXT NOT NULL,
    purpose TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    data TEXT,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX {prefix}verifications_identifier ON {prefix}verifications (identifier, purpose);

CREATE TABLE {prefix}revocations (
    session_id TEXT PRIMARY KEY,
    revision BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX {prefix}revocations_revision ON {prefix}revocations (revision);

CREATE TABLE {prefix}revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO {prefix}revision (id, value) VALUES (1, 0);

-- 0003 passkeys (SPEC §14): one row per WebAuthn credential. Each passkey is also an account
-- (`{prefix}accounts`: provider `passkey`, provider_account_id = the credential id), so it is
-- listed and unlinked like any other way to sign in (LAST_ACCOUNT); unlinking that account
-- removes the passkey (ON DELETE CASCADE). Binary values are base64url text. Times: Unix seconds.

CREATE TABLE {prefix}passkeys (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL UNIQUE REFERENCES {prefix}accounts (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES {prefix}users (id) ON DELETE CASCADE,
    user_handle TEXT NOT NULL,
    public_key TEXT NOT NULL,
    dynamic_state TEXT NOT NULL,
    counter BIGINT NOT NULL DEFAULT 0,
    backup_eligible INTEGER NOT NULL DEFAULT 0,
    backed_up INTEGER NOT NULL DEFAULT 0,
    transports TEXT NOT NULL DEFAULT '[]',
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX {prefix}passkeys_user_id ON {prefix}passkeys (user_id);

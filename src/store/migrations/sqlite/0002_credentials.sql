-- 0002 credentials (SPEC §12): one password hash per user, as a PHC string (argon2id), or an
-- imported bcrypt / scrypt hash until that user's next sign-in replaces it. Never a password.
-- The one-time tokens of the email flows live in 0001's `verifications` (hashed).

CREATE TABLE {prefix}passwords (
    user_id TEXT PRIMARY KEY REFERENCES {prefix}users (id) ON DELETE CASCADE,
    hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

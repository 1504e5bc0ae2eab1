//! The development key: when `AURA_AUTH_SECRET`/`AURA_AUTH_SALT` are not set outside production,
//! one key per project, kept in `.aura/dev-secret` under the app's working directory (0600, the
//! folder git-ignored by its own `.aura/.gitignore`). Every `createAuth` in the process and every
//! restart reads the same key, so development behaves like production with a secret (SPEC §2:
//! "a missing secret/salt may fall back ... with one clear warning").
//! Must never be used in production: `Config` does not call it there.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const DIR: &str = ".aura";
pub const FILE: &str = "dev-secret";

/// The secret and salt of the project's development key.
pub struct DevKey {
    pub secret: Vec<u8>,
    pub salt: Vec<u8>,
}

fn parse(text: &str) -> Option<DevKey> {
    let value = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix('='))
            .and_then(|v| crate::seal::b64::decode_any(v.trim()))
            .filter(|b| b.len() >= crate::seal::secret::MIN_KEY_BYTES)
    };
    Some(DevKey {
        secret: value("AURA_AUTH_SECRET")?,
        salt: value("AURA_AUTH_SALT")?,
    })
}

fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// Reads `<dir>/.aura/dev-secret`, creating it (and `.aura/.gitignore`) the first time.
/// Two processes starting at once agree: the key is written to a private temporary file and
/// linked into place, so a reader never sees half a file and the first link wins.
pub fn load_or_create(project: &Path) -> std::io::Result<(DevKey, PathBuf)> {
    let dir = project.join(DIR);
    let path = dir.join(FILE);
    if let Some(key) = fs::read_to_string(&path).ok().as_deref().and_then(parse) {
        return Ok((key, path));
    }
    fs::create_dir_all(&dir)?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        let _ = write_new(&ignore, "# Local files of @aura-stack/auth (development key, databases): never commit them.\n*\n");
    }
    let text = format!(
        "# Development key of @aura-stack/auth for this project. Never used in production (NODE_ENV=production);\n# there, set AURA_AUTH_SECRET and AURA_AUTH_SALT (`npx aura-auth secret`). Delete this file to sign everyone out.\nAURA_AUTH_SECRET={}\nAURA_AUTH_SALT={}\n",
        crate::seal::b64::encode(&crate::random::bytes(32)),
        crate::seal::b64::encode(&crate::random::bytes(32)),
    );
    let tmp = dir.join(format!(
        ".{FILE}.{}.{}",
        std::process::id(),
        crate::seal::b64::random_token(6)
    ));
    write_new(&tmp, &text)?;
    let linked = fs::hard_link(&tmp, &path);
    let _ = fs::remove_file(&tmp);
    match linked {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    let text = fs::read_to_string(&path)?;
    parse(&text).map(|k| (k, path)).ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "the development key file is not readable",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_project(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "aura-dev-key-{name}-{}-{}",
            std::process::id(),
            crate::seal::b64::random_token(4)
        ));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn one_key_per_project_kept_between_loads() {
        let project = temp_project("same");
        let (a, path) = load_or_create(&project).unwrap();
        let (b, _) = load_or_create(&project).unwrap();
        assert_eq!(a.secret, b.secret);
        assert_eq!(a.salt, b.salt);
        assert_ne!(a.secret, a.salt);
        assert!(project.join(".aura/.gitignore").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let other = temp_project("other");
        let (c, _) = load_or_create(&other).unwrap();
        assert_ne!(a.secret, c.secret);
        let _ = fs::remove_dir_all(project);
        let _ = fs::remove_dir_all(other);
    }

    #[test]
    fn a_damaged_file_is_an_error_not_a_new_key() {
        let project = temp_project("damaged");
        fs::create_dir_all(project.join(DIR)).unwrap();
        fs::write(project.join(DIR).join(FILE), "garbage").unwrap();
        assert!(load_or_create(&project).is_err());
        let _ = fs::remove_dir_all(project);
    }
}
